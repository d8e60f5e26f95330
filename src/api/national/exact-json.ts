/**
 * A strict JSON parser (RFC 8259) that keeps every number as the text it was written in. Money in
 * the national interface is yuan with at most two decimals: `12.345` or `1e3` must be refused, not
 * rounded, and JSON.parse has already turned `1e3` into 1000 (Node 20 cannot see a number's
 * source text). It also refuses what JSON.parse lets through and a careful server should not:
 * duplicate keys (two parsers could read different values), nesting deeper than a limit, and
 * text that is not UTF-8. Objects have no prototype, so a key `__proto__` is only a key.
 */

/** A JSON number literal, exactly as written. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type ExactJson = null | boolean | string | JsonNumber | ExactJson[] | { [key: string]: ExactJson };

/** Why a body is not the JSON we accept, with the character offset where reading stopped. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at character ${offset}`);
    this.name = 'JsonSyntaxError';
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class Reader {
  at = 0;
  constructor(
    readonly text: string,
    readonly maxDepth: number,
  ) {}

  fail(message: string): never {
    throw new JsonSyntaxError(message, this.at);
  }

  skipSpace(): void {
    const t = this.text;
    while (this.at < t.length) {
      const c = t.charCodeAt(this.at);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.at++;
    }
  }

  value(depth: number): ExactJson {
    this.skipSpace();
    const c = this.text[this.at];
    if (c === '{') return this.object(depth + 1);
    if (c === '[') return this.array(depth + 1);
    if (c === '"') return this.string();
    if (c === 't') return this.word('true', true);
    if (c === 'f') return this.word('false', false);
    if (c === 'n') return this.word('null', null);
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    return this.fail(c === undefined ? 'unexpected end of the body' : `unexpected ${JSON.stringify(c)}`);
  }

  word<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.at)) this.fail(`expected ${word}`);
    this.at += word.length;
    return value;
  }

  number(): JsonNumber {
    NUMBER.lastIndex = this.at;
    const m = NUMBER.exec(this.text);
    if (!m || m[0] === '-') this.fail('a number must have digits');
    this.at += m[0].length;
    return new JsonNumber(m[0]);
  }

  string(): string {
    this.at++; // the opening quote
    const t = this.text;
    let out = '';
    for (;;) {
      // A run of characters that need no escape: not a quote, a backslash or a control character.
      let end = this.at;
      for (
        let c = t.charCodeAt(end);
        end < t.length && c !== 0x22 && c !== 0x5c && c >= 0x20;
        c = t.charCodeAt(++end)
      );
      out += t.slice(this.at, end);
      this.at = end;
      const c = t[this.at];
      if (c === '"') {
        this.at++;
        return out;
      }
      if (c === undefined) this.fail('a string is not closed');
      if (c !== '\\') this.fail('a control character must be escaped in a string');
      out += this.escape();
    }
  }

  escape(): string {
    const c = this.text[this.at + 1];
    if (c === 'u') {
      const hex = this.text.slice(this.at + 2, this.at + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('\\u must be followed by four hex digits');
      this.at += 6;
      return String.fromCharCode(parseInt(hex, 16));
    }
    const plain = c === undefined ? undefined : ESCAPES[c];
    if (plain === undefined) this.fail(`unknown escape \\${c ?? ''}`);
    this.at += 2;
    return plain;
  }

  enter(depth: number): void {
    if (depth > this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth} levels`);
    this.at++;
    this.skipSpace();
  }

  /** Step over the character expected here, or fail saying what was expected. */
  take(char: string, expected: string): void {
    if (this.text[this.at] !== char) this.fail(`expected ${expected}`);
    this.at++;
  }

  /** After an element: true at the closing character (stepped over), false after a comma. */
  closes(end: string, where: string): boolean {
    this.skipSpace();
    if (this.text[this.at] === end) {
      this.at++;
      return true;
    }
    this.take(',', `, or ${end} in ${where}`);
    return false;
  }

  array(depth: number): ExactJson[] {
    this.enter(depth);
    const out: ExactJson[] = [];
    if (this.text[this.at] === ']') {
      this.at++;
      return out;
    }
    do out.push(this.value(depth));
    while (!this.closes(']', 'an array'));
    return out;
  }

  object(depth: number): { [key: string]: ExactJson } {
    this.enter(depth);
    const out = Object.create(null) as { [key: string]: ExactJson };
    if (this.text[this.at] === '}') {
      this.at++;
      return out;
    }
    do {
      this.skipSpace();
      const keyAt = this.at;
      if (this.text[this.at] !== '"') this.fail('expected a key in double quotes');
      const key = this.string();
      if (Object.prototype.hasOwnProperty.call(out, key)) {
        this.at = keyAt;
        this.fail(`duplicate key ${JSON.stringify(key)}`);
      }
      this.skipSpace();
      this.take(':', ': after a key');
      out[key] = this.value(depth);
    } while (!this.closes('}', 'an object'));
    return out;
  }
}

/** Parse JSON text, numbers kept as written; refuses duplicate keys and nesting beyond maxDepth. */
export function parseExactJson(text: string, maxDepth = 32): ExactJson {
  const reader = new Reader(text, maxDepth);
  const value = reader.value(0);
  reader.skipSpace();
  if (reader.at < text.length) reader.fail('unexpected text after the JSON value');
  return value;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Parse a request body: UTF-8 (a byte-order mark is allowed), then parseExactJson. */
export function parseJsonBody(body: Uint8Array, maxDepth = 32): ExactJson {
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    throw new JsonSyntaxError('the body is not valid UTF-8', 0);
  }
  if (text.trim() === '') throw new JsonSyntaxError('the body is empty', 0);
  return parseExactJson(text, maxDepth);
}

/**
 * JSON text of a value with object keys sorted and numbers as written: equal inputs give equal
 * text whatever their key order, and 1.50 and 1.5 stay apart (what a message hash compares).
 */
export function canonicalExactJson(value: ExactJson): string {
  if (value instanceof JsonNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(canonicalExactJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalExactJson(value[k]!)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
