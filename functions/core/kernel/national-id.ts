// Chinese resident identity number (GB 11643-1999): 17 digits, then an ISO 7064 MOD 11-2 check character.
// Digits 7–14 are the date of birth (YYYYMMDD).

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

export function cnCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

export type NationalIdProblem = 'format' | 'checksum' | 'birthDate';

/** Why an 18-character CN resident ID is invalid, or undefined when it is valid. */
export function cnNationalIdProblem(id: string): NationalIdProblem | undefined {
  if (!/^\d{17}[\dX]$/.test(id)) return 'format';
  if (cnCheckCharacter(id.slice(0, 17)) !== id[17]) return 'checksum';
  if (!cnBirthDate(id)) return 'birthDate';
  return undefined;
}

/** The embedded birth date as YYYY-MM-DD, or undefined when it is not a real calendar date. */
export function cnBirthDate(id: string): string | undefined {
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

/** Masks all but the first 3 and last 2 characters, for pages that show a case to staff. */
export function maskNationalId(id: string): string {
  return id.length <= 5 ? '*'.repeat(id.length) : `${id.slice(0, 3)}${'*'.repeat(id.length - 5)}${id.slice(-2)}`;
}
