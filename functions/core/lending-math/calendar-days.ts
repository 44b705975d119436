// Day arithmetic on YYYY-MM-DD strings for schedules: whole days, months that respect month ends, free of time zones.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function isIsoDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function parts(date: string): [number, number, number] {
  const match = ISO_DATE.exec(date);
  if (!match) throw new RangeError(`not a date YYYY-MM-DD: ${date}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function format(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Days since 1970-01-01. */
export function dayNumber(date: string): number {
  const [y, m, d] = parts(date);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

export function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export const addDays = (date: string, days: number): string => fromDayNumber(dayNumber(date) + days);

/** `to − from` in days. */
export const daysBetween = (from: string, to: string): number => dayNumber(to) - dayNumber(from);

/**
 * `date` plus whole months; a day the target month lacks becomes its last day (31 Jan + 1 month = 28 or 29 Feb), as
 * java.time.LocalDate.plusMonths. Always add to the same anchor: 31 Jan + 2 months is 31 Mar, not 28 Feb + 1 month.
 */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return format(year, month, Math.min(d, daysInMonth(year, month)));
}

/** Completed months from `from` to `to` (from ≤ to), as java.time ChronoUnit.MONTHS.between. */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm, fd] = parts(from);
  const [ty, tm, td] = parts(to);
  let months = ty * 12 + tm - (fy * 12 + fm);
  if (months > 0 && td < fd) months -= 1;
  return months;
}

/** The day of month of a date. */
export const dayOfMonth = (date: string): number => parts(date)[2];

/** The same month with another day, clamped to the month's length. */
export function withDayOfMonth(date: string, day: number): string {
  const [y, m] = parts(date);
  return format(y, m, Math.min(day, daysInMonth(y, m)));
}
