import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.js';

describe(RateLimiter.name, () => {
  it('allows a burst, then the rate, per caller', () => {
    const sut = new RateLimiter({ perSecond: 2, burst: 3 });
    const t = 1_000_000;
    expect([sut.take('A', t), sut.take('A', t), sut.take('A', t)]).toEqual([0, 0, 0]);
    expect(sut.take('A', t)).toBe(1); // empty: one token comes back in 0.5 s, said as 1 s
    expect(sut.take('B', t)).toBe(0); // another institution has its own bucket
    expect(sut.take('A', t + 500)).toBe(0);
    expect(sut.take('A', t + 500)).toBeGreaterThan(0);
    // After a long pause the bucket is full again, never fuller than the burst.
    expect([0, 1, 2, 3].map(() => sut.take('A', t + 60_000))).toEqual([0, 0, 0, 1]);
  });
});
