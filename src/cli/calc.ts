import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { loadPack } from '../policy/load.js';
import { CalcSession } from '../settlement/calc-session.js';
import { lineBatches, writeAll } from '../settlement/json-lines.js';
import { Progress } from './progress.js';
import { UsageError } from './usage-error.js';

export interface CalcOptions {
  policy: string;
  claims?: string;
  explain?: boolean;
}

export interface CalcIo {
  stdin: Readable;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** `tongchou calc`: exit status 0 when every claim settled, 3 when one was refused (specs/calc.md). */
export async function runCalc(opts: CalcOptions, io: CalcIo): Promise<number> {
  const pack = loadPack(opts.policy);
  const input = openClaims(opts.claims, io.stdin);
  const session = new CalcSession(pack, opts.explain === true);
  const progress = new Progress(io.stderr, 'claims');
  let lineNo = 0;
  for await (const lines of lineBatches(input)) {
    let out = '';
    for (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      out += session.settleLine(line, lineNo) + '\n';
    }
    await writeAll(io.stdout, out);
    progress.update(session.settled + session.refused);
  }
  progress.done(`${session.settled} settled, ${session.refused} refused`);
  return session.refused > 0 ? 3 : 0;
}

function openClaims(file: string | undefined, stdin: Readable): Readable {
  if (file === undefined || file === '-') return stdin;
  try {
    if (!statSync(file).isFile()) throw new UsageError(`--claims ${file} is not a file`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--claims ${file}: no such file`);
  }
  return createReadStream(file, { highWaterMark: 1 << 20 });
}
