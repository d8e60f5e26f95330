import { describe, expect, it } from 'vitest';
import { isCalendarDate } from './dates.js';

describe('isCalendarDate', () => {
  it.each(['2025-01-01', '2024-02-29', '2000-02-29', '2025-12-31'])('accepts %s', (d) => {
    expect(isCalendarDate(d)).toBe(true);
  });
  it.each([
    '2025-02-29',
    '1900-02-29',
    '2025-02-30',
    '2025-13-01',
    '2025-00-10',
    '2025-04-31',
    '2025-1-01',
    '20250101',
    '2025-01-0x',
    '',
  ])('refuses %s', (d) => {
    expect(isCalendarDate(d)).toBe(false);
  });
});
