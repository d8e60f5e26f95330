import { describe, expect, it } from 'vitest';
import { randomHex } from './random.js';

describe('randomHex', () => {
  it('gives hex of the asked length, never the same twice across refills of the block', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      const hex = randomHex(8); // 5,000 × 8 bytes: the 4 KiB block is refilled nine times
      expect(hex).toMatch(/^[0-9a-f]{16}$/);
      seen.add(hex);
    }
    expect(seen.size).toBe(5_000);
  });

  it('refuses more than a block at once', () => {
    expect(() => randomHex(5_000)).toThrow(RangeError);
  });
});
