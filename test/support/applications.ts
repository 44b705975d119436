// Sample applicants and bodies for tests: valid national IDs are computed, never hard-coded guesses.

import { cnCheckCharacter } from '../../functions/core/kernel/national-id';

/** A valid CN resident ID for a birth date (YYYY-MM-DD) and a 3-digit sequence number. */
export function nationalIdFor(dateOfBirth: string, sequence = 123, region = '110105'): string {
  const first17 = `${region}${dateOfBirth.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return `${first17}${cnCheckCharacter(first17)}`;
}

let nextSequence = 100;

/** A unique applicant identity per call, so tests never collide on the one-open-application rule. */
export function uniqueIdentity(dateOfBirth = '1990-03-07') {
  nextSequence = nextSequence >= 999 ? 100 : nextSequence + 1;
  const region = String(110000 + Math.floor(Math.random() * 9000));
  return { nationalId: nationalIdFor(dateOfBirth, nextSequence, region), dateOfBirth };
}

/** The example body of API.md, with a fresh identity unless one is given. */
export function validApplication(overrides: Record<string, unknown> = {}, identity = uniqueIdentity()) {
  return {
    productId: 'personal-consumer',
    channel: 'app',
    customerType: 'individual',
    applicant: {
      fullName: 'Li Wei',
      nationalId: identity.nationalId,
      dateOfBirth: identity.dateOfBirth,
      phone: '+8613800138000',
      email: 'li.wei@example.com',
      preferredLanguage: 'zh-CN',
      address: { line1: '1 Example Rd', city: 'Beijing', yearsAtAddress: 4 },
    },
    household: { housing: 'own', dependents: 1 },
    employment: {
      status: 'employed',
      occupation: 'skilled',
      yearsInCurrentJob: 6,
      monthlyIncome: { amount: '15000.00', currency: 'CNY' },
    },
    finances: {
      monthlyDebtPayments: { amount: '1000.00', currency: 'CNY' },
      checkingAccount: 'positive_low',
      savings: 'medium',
      assets: 'real_estate',
      otherInstallmentPlans: 'none',
      existingLoansWithUs: 0,
    },
    loan: { amount: { amount: '8000.00', currency: 'CNY' }, termMonths: 12, purpose: 'electronics' },
    guarantor: null,
    business: null,
    consents: { creditCheck: true, dataProcessing: true },
    ...overrides,
  };
}

/** A deep copy with one value set (or removed with `undefined`) at a dotted path. */
export function withValue(body: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  const parts = path.split('.');
  let target: Record<string, unknown> = copy;
  for (const part of parts.slice(0, -1)) target = target[part] as Record<string, unknown>;
  const last = parts.at(-1)!;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

/** A POST /v1/products body: an individual CNY product of 2,000–50,000 over 6–24 months, unless overridden. */
export function productBody(overrides: Record<string, unknown> = {}) {
  return {
    productId: 'green-energy',
    name: 'Green energy loan',
    customerType: 'individual',
    currency: 'CNY',
    minAmount: { amount: '2000.00', currency: 'CNY' },
    maxAmount: { amount: '50000.00', currency: 'CNY' },
    minTermMonths: 6,
    maxTermMonths: 24,
    method: 'equal_installments',
    frequency: 'monthly',
    ...overrides,
  };
}

/**
 * Overrides of `validApplication` that the shipped scorecard puts in band D (declined with reason codes): renting,
 * unskilled, half a year in the job, a negative checking account, no savings or assets, another plan at a bank.
 */
export const BAND_D_PROFILE = {
  household: { housing: 'rent', dependents: 0 },
  employment: { status: 'employed', occupation: 'unskilled', yearsInCurrentJob: 0.5, monthlyIncome: { amount: '8000.00', currency: 'CNY' } },
  finances: {
    monthlyDebtPayments: { amount: '0.00', currency: 'CNY' },
    checkingAccount: 'negative',
    savings: 'low',
    assets: 'none',
    otherInstallmentPlans: 'bank',
    existingLoansWithUs: 0,
  },
  loan: { amount: { amount: '15000.00', currency: 'CNY' }, termMonths: 36, purpose: 'other' },
};

/** An override of `validApplication`: 30,000 CNY, above the auto-approve limit, so one review level decides. */
export const REVIEW_SIZED_LOAN = { loan: { amount: { amount: '30000.00', currency: 'CNY' }, termMonths: 12, purpose: 'electronics' } };

/** The disbursement account override (the sandbox bank's account numbers are in the README's test identities). */
export function disbursementAccount(accountNumber = '6222020012345678', holderName = 'Li Wei') {
  return { disbursementAccount: { bankName: 'Sandbox Bank', accountNumber, holderName } };
}
