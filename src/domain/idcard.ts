import { isCalendarDate } from './dates.js';

/**
 * Resident identity card numbers (公民身份号码, GB 11643-1999): a 6-digit address code, the birth
 * date YYYYMMDD, a 3-digit sequence whose last digit is odd for men and even for women, and a
 * check character (ISO 7064 MOD 11-2) that catches any single wrong digit or swapped pair.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** The weighted digit sum of the first 17 characters, or -1 when one of them is not a digit. */
function weightedSum(text: string): number {
  let sum = 0;
  // charCodeAt rather than Number(slice): bulk enrolment checks a million numbers at a time.
  for (let i = 0; i < 17; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    sum += digit * (WEIGHTS[i] as number);
  }
  return sum;
}

/** The check character of the first 17 digits of an ID number (they must be 17 digits). */
export function certnoCheckChar(first17: string): string {
  return CHECK_CHARS[weightedSum(first17) % 11] as string;
}

/** Why a text is not a valid 18-character ID number, or null when it is one. */
export function certnoProblem(certno: string): string | null {
  if (certno.length !== 18) return `must be an 18-character ID number (got ${certno.length} characters)`;
  const sum = weightedSum(certno);
  const last = certno[17] as string;
  if (sum < 0 || !((last >= '0' && last <= '9') || last === 'X'))
    return 'must be 17 digits followed by a digit or X';
  if (!isCalendarDate(birthdayOf(certno)))
    return `has a birth date ${certno.slice(6, 14)} that is not a real date`;
  const check = CHECK_CHARS[sum % 11] as string;
  if (last !== check) return `has a wrong check character (expected ${check}, got ${last})`;
  return null;
}

/** True for a valid 18-character ID number (upper-case X only: see normaliseCertno). */
export function isValidCertno(certno: string): boolean {
  return certnoProblem(certno) === null;
}

/** An ID number as stored: trimmed and with a lower-case check x made upper-case. */
export function normaliseCertno(text: string): string {
  const t = text.trim();
  return t.endsWith('x') ? `${t.slice(0, -1)}X` : t;
}

/** The birth date (YYYY-MM-DD) of a valid ID number. */
export function birthdayOf(certno: string): string {
  return `${certno.slice(6, 10)}-${certno.slice(10, 12)}-${certno.slice(12, 14)}`;
}

/** The gender code of a valid ID number: '1' male (17th digit odd), '2' female (even). */
export function genderOf(certno: string): '1' | '2' {
  return (certno.charCodeAt(16) - 48) % 2 === 1 ? '1' : '2';
}

/** An ID number for logs and screens: the address code and the last four kept, the rest hidden. */
export function maskCertno(certno: string): string {
  if (certno.length <= 10) return '*'.repeat(certno.length);
  return `${certno.slice(0, 6)}${'*'.repeat(certno.length - 10)}${certno.slice(-4)}`;
}
