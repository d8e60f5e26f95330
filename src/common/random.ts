import { randomFillSync } from 'node:crypto';

/**
 * Random hex for identifiers made on the hot path (settlement and visit ids), drawn from a block of
 * cryptographic randomness filled 4 KiB at a time rather than by a call to the generator for each.
 */
const block = Buffer.alloc(4096);
let used = block.length;

export function randomHex(bytes: number): string {
  if (bytes > block.length) throw new RangeError(`at most ${block.length} random bytes at a time`);
  if (used + bytes > block.length) {
    randomFillSync(block);
    used = 0;
  }
  const hex = block.toString('hex', used, used + bytes);
  used += bytes;
  return hex;
}
