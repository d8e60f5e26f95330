import type { Readable } from 'node:stream';

/**
 * Split a byte stream into lines without holding more than one chunk: yields arrays of complete
 * lines (CRLF tolerated) per chunk so the caller can process and write them in batches.
 */
export async function* lineBatches(input: Readable): AsyncGenerator<string[]> {
  let rest = '';
  input.setEncoding('utf8');
  for await (const chunk of input as AsyncIterable<string>) {
    const text = rest + chunk;
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    if (parts.length > 0) yield parts.map(stripCR);
  }
  if (rest.length > 0) yield [stripCR(rest)];
}

function stripCR(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Write text, waiting for the stream to drain when its buffer is full (memory stays flat). */
export function writeAll(out: NodeJS.WritableStream, text: string): Promise<void> | undefined {
  if (out.write(text)) return undefined;
  return new Promise((resolve) => out.once('drain', resolve));
}

/**
 * True when a JSON line holds a number in exponent form (1e3) outside strings. Amounts must be
 * plain decimals; JSON.parse would silently accept 1e3 as 1000, so the raw text is checked first.
 */
export function hasExponentNumber(line: string): boolean {
  if (!/\d[eE][+-]?\d/.test(line)) return false;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if ((ch === 'e' || ch === 'E') && /\d/.test(line[i - 1] ?? '')) return true;
  }
  return false;
}
