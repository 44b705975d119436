// Money as integer minor units. A decimal string in the API ("12000.00") becomes 1200000 minor units of CNY.
// Amounts have at most MAX_MINOR_DIGITS digits of minor units, below Number.MAX_SAFE_INTEGER (9e15), far above any
// microloan: every amount is an exact integer, in JavaScript and in DynamoDB.

import { ValidationError } from './errors';

/** Minor-unit digits per ISO 4217 code; currencies not listed use 2. */
const MINOR_UNIT_DIGITS: Record<string, number> = {
  BHD: 3, BIF: 0, CLF: 4, CLP: 0, DJF: 0, GNF: 0, IQD: 3, ISK: 0, JOD: 3, JPY: 0, KMF: 0, KRW: 0, KWD: 3, LYD: 3,
  OMR: 3, PYG: 0, RWF: 0, TND: 3, UGX: 0, UYI: 0, UYW: 4, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
};

export interface Money {
  amount: string;
  currency: string;
}

export interface MinorAmount {
  minor: number;
  currency: string;
}

export function minorUnitDigits(currency: string): number {
  return MINOR_UNIT_DIGITS[currency] ?? 2;
}

const DECIMAL = /^(0|[1-9]\d{0,14})(?:\.(\d+))?$/;

/** An amount is below 10^15 minor units (10^13 CNY): safe integers, whatever the currency's minor-unit digits. */
const MAX_MINOR_DIGITS = 15;

/** Why a decimal string is not an amount of this currency, or undefined when it is one. */
export function decimalProblem(amount: string, currency: string): string | undefined {
  const match = DECIMAL.exec(amount);
  if (!match) return 'must be a non-negative decimal string such as "12000.00"';
  const digits = minorUnitDigits(currency);
  if ((match[2]?.length ?? 0) > digits) return `must have at most ${digits} decimal places for ${currency}`;
  const wholeDigits = MAX_MINOR_DIGITS - digits;
  if (match[1]!.length > wholeDigits) return `must be less than 1${'0'.repeat(wholeDigits)} ${currency}`;
  return undefined;
}

export function toMinor(money: Money): MinorAmount {
  const problem = decimalProblem(money.amount, money.currency);
  if (problem) throw new ValidationError('invalid amount', [{ path: 'amount', message: problem }]);
  const digits = minorUnitDigits(money.currency);
  const [whole, fraction = ''] = money.amount.split('.');
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return { minor, currency: money.currency };
}

export function fromMinor({ minor, currency }: MinorAmount): Money {
  const digits = minorUnitDigits(currency);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  if (digits === 0) return { amount: `${sign}${abs}`, currency };
  const scale = 10 ** digits;
  const whole = Math.floor(abs / scale);
  const fraction = String(abs % scale).padStart(digits, '0');
  return { amount: `${sign}${whole}.${fraction}`, currency };
}

/** A decimal amount with thousands separators: `80000.00` → `80,000.00`. */
export function groupDigits(amount: string): string {
  const [whole, fraction] = amount.split('.');
  const grouped = (whole ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}
