import { describe, expect, it } from 'vitest';
import {
  birthdayOf,
  certnoCheckChar,
  certnoProblem,
  genderOf,
  isValidCertno,
  maskCertno,
  normaliseCertno,
} from './idcard.js';

/*
 * Check characters computed by hand: sum of digit × weight (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2),
 * mod 11, looked up in "10X98765432".
 *
 * 11010519491231002X (the standard's own example)
 *   1×7 + 1×9 + 0×10 + 1×5 + 0×8 + 5×4 + 1×2 + 9×1 + 4×6 + 9×3 + 1×7 + 2×9 + 3×10 + 1×5 + 0×8 + 0×4 + 2×2
 *   = 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 → 'X'; 17th digit 2 → female
 * 350102199003071234
 *   3×7 + 5×9 + 0×10 + 1×5 + 0×8 + 2×4 + 1×2 + 9×1 + 9×6 + 0×3 + 0×7 + 3×9 + 0×10 + 7×5 + 1×8 + 2×4 + 3×2
 *   = 21+45+0+5+0+8+2+9+54+0+0+27+0+35+8+8+6 = 228; 228 mod 11 = 8 → '4'; 17th digit 3 → male
 * 110105200002290013 (born on a leap day)
 *   = 7+9+0+5+0+20+4+0+0+0+0+18+20+45+0+0+2 = 130; 130 mod 11 = 9 → '3'; 17th digit 1 → male
 * 350426198507150000
 *   = 21+45+0+20+16+24+2+9+48+15+0+63+10+25+0+0+0 = 298; 298 mod 11 = 1 → '0'; 17th digit 0 → female
 */
const VALID = [
  { certno: '11010519491231002X', birthday: '1949-12-31', gender: '2' },
  { certno: '350102199003071234', birthday: '1990-03-07', gender: '1' },
  { certno: '110105200002290013', birthday: '2000-02-29', gender: '1' },
  { certno: '350426198507150000', birthday: '1985-07-15', gender: '2' },
] as const;

describe('ID numbers (GB 11643)', () => {
  it.each(VALID)('accepts $certno', ({ certno, birthday, gender }) => {
    expect(certnoProblem(certno)).toBeNull();
    expect(isValidCertno(certno)).toBe(true);
    expect(certnoCheckChar(certno.slice(0, 17))).toBe(certno[17]);
    expect(birthdayOf(certno)).toBe(birthday);
    expect(genderOf(certno)).toBe(gender);
  });

  it.each([
    ['110105194912310021', /wrong check character \(expected X, got 1\)/],
    ['350102199003071235', /expected 4, got 5/],
    // The sequence digits 1 and 2 swapped: the sum moves by 2×8 + 1×4 − (1×8 + 2×4) = 4, so 232 → '0'.
    ['350102199003072134', /expected 0, got 4/],
    ['11010519491231002x', /17 digits followed by a digit or X/],
    ['1101051949123100X2', /17 digits followed by a digit or X/],
    ['11010519491231002', /18-character/],
    ['11010519491231002X1', /18-character/],
    ['350102199002301230', /19900230 that is not a real date/],
    ['110105200102290010', /20010229 that is not a real date/],
    ['110105189912310010', /18991231 that is not a real date/],
  ])('refuses %s', (certno, reason) => {
    expect(certnoProblem(certno)).toMatch(reason);
    expect(isValidCertno(certno)).toBe(false);
  });

  it('makes a lower-case check x upper-case and trims', () => {
    expect(normaliseCertno(' 11010519491231002x ')).toBe('11010519491231002X');
    expect(normaliseCertno('350102199003071234')).toBe('350102199003071234');
  });

  it('masks all but the address code and the last four', () => {
    expect(maskCertno('11010519491231002X')).toBe('110105********002X');
    expect(maskCertno('350102199003071234')).toBe('350102********1234');
    expect(maskCertno('12345')).toBe('*****');
  });
});
