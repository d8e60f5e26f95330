import { createReadStream } from 'node:fs';
import { Refusal } from '../../domain/errors.js';
import type { Claim } from '../../domain/settlement/types.js';
import { toClaim } from '../../settlement/claim-input.js';
import { exponentNumberPath, lineBatches } from '../../settlement/json-lines.js';
import type { RejectedLine } from './columnar-format.js';
import type { ClaimTableBuilder } from './columnar-writer.js';

/**
 * Reads one JSON line as `tongchou calc` does (specs/calc.md): a byte-order mark on line 1 is
 * dropped, a number in exponent form is refused, then the claim schema. Returns the claim or the
 * refusal, never throws for bad input.
 */
export function readClaimLine(text: string, lineNo: number): Claim | RejectedLine {
  if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = `line ${lineNo} is not valid JSON: ${(e as Error).message}`;
    return { line: lineNo, claim_id: null, code: 'INVALID_CLAIM', path: '', message };
  }
  const id = (value as { claim_id?: unknown } | null)?.claim_id;
  const claimId = typeof id === 'string' && id.length > 0 && id.length <= 256 ? id : null;
  const exponentAt = exponentNumberPath(text);
  if (exponentAt !== null) {
    const message = `${exponentAt} must be written as a plain decimal, not in exponent form such as 1e3`;
    return { line: lineNo, claim_id: claimId, code: 'INVALID_CLAIM', path: exponentAt, message };
  }
  try {
    return toClaim(value);
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    return { line: lineNo, claim_id: claimId, code: e.code, path: e.path, message: e.message };
  }
}

function isClaim(x: Claim | RejectedLine): x is Claim {
  return 'fees' in x;
}

/**
 * Add every claim of a JSON Lines file to the builder; lines that are not claims are recorded as
 * rejected (with their line number, code and message). `onProgress` gets the lines read so far.
 */
export async function readJsonLines(
  file: string,
  builder: ClaimTableBuilder,
  onProgress: (lines: number) => void = () => undefined,
): Promise<void> {
  let lineNo = 0;
  for await (const lines of lineBatches(createReadStream(file, { highWaterMark: 1 << 20 }))) {
    for (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      const read = readClaimLine(line, lineNo);
      if (isClaim(read)) builder.add(read);
      else builder.reject(read);
    }
    onProgress(lineNo);
  }
}
