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
 * The field path of the first number written in exponent form (1e3) in a JSON line, or null.
 * Amounts must be plain decimals, and JSON.parse would silently read 1e3 as 1000, so the raw text
 * is scanned — only when a quick test finds such a pattern at all, so normal lines cost nothing.
 */
export function exponentNumberPath(line: string): string | null {
  if (!/\d[eE][+-]?\d/.test(line)) return null;
  // One frame per open container: an object's frame holds the key being read, an array's the index.
  const frames: (string | number)[] = [];
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') {
      const end = stringEnd(line, i);
      if (
        line
          .slice(end + 1)
          .trimStart()
          .startsWith(':')
      )
        frames[frames.length - 1] = line.slice(i + 1, end);
      i = end;
    } else if (ch === '{') frames.push('');
    else if (ch === '[') frames.push(0);
    else if (ch === '}' || ch === ']') frames.pop();
    else if (ch === ',' && typeof frames[frames.length - 1] === 'number')
      (frames[frames.length - 1] as number)++;
    else if ((ch === 'e' || ch === 'E') && /\d/.test(line[i - 1] ?? '')) return framesPath(frames);
  }
  return null;
}

function stringEnd(line: string, start: number): number {
  for (let j = start + 1; j < line.length; j++) {
    if (line[j] === '\\') j++;
    else if (line[j] === '"') return j;
  }
  return line.length;
}

function framesPath(frames: (string | number)[]): string {
  let out = '';
  for (const f of frames) out += typeof f === 'number' ? `[${f}]` : out ? `.${f}` : f;
  return out;
}
