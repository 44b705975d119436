// Calendar arithmetic on YYYY-MM-DD strings, in whole days and years, free of time zones.

/** Completed years of age on a day (a birthday on 29 Feb counts as reached on 1 Mar in common years). */
export function ageOn(dateOfBirth: string, on: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  const hadBirthday = m > bm || (m === bm && d >= bd);
  return y - by - (hadBirthday ? 0 : 1);
}

/** The calendar day of an instant in a time zone (the lender's: the TIME_ZONE setting). */
export function dayIn(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}
