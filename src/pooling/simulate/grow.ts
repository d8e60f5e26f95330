type NumberArray = Float64Array | Uint32Array | Uint16Array | Uint8Array;
type NumberArrayClass<A extends NumberArray> = new (length: number) => A;

/** A typed array that doubles when full: columns being collected before their length is known. */
export class Grow<A extends NumberArray> {
  data: A;
  length = 0;

  constructor(
    private readonly make: NumberArrayClass<A>,
    initial = 1024,
  ) {
    this.data = new make(initial);
  }

  push(value: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = value;
  }

  /** Append a string's UTF-8 bytes (for a Uint8Array). */
  pushText(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    if (this.length + bytes.byteLength > this.data.length) this.grow(this.length + bytes.byteLength);
    (this.data as Uint8Array).set(bytes, this.length);
    this.length += bytes.byteLength;
  }

  private grow(needed: number): void {
    let size = this.data.length * 2;
    while (size < needed) size *= 2;
    const next = new this.make(size);
    (next as Float64Array).set(this.data as Float64Array);
    this.data = next;
  }
}

/** Strings numbered in order of first appearance. */
export class Dictionary {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();

  id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }

  get size(): number {
    return this.values.length;
  }
}

/**
 * UTF-8 text appended to one growing byte buffer. Millions of short persons.jsonl lines added to a
 * JS string would live as a rope of small strings until the row group is done, outlive the young
 * generation and make the garbage collector copy them; bytes in a buffer cost it nothing.
 */
export class TextBytes {
  private buf = Buffer.allocUnsafeSlow(1 << 20);
  private length = 0;

  append(text: string): void {
    // A UTF-16 unit takes at most 3 UTF-8 bytes.
    if (this.length + text.length * 3 > this.buf.length) {
      const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.length + text.length * 3));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    this.length += this.buf.write(text, this.length, 'utf8');
  }

  /** The bytes so far, in a buffer of their own (which can be transferred to another thread); then empty. */
  take(): Uint8Array {
    const out = new Uint8Array(this.length);
    out.set(this.buf.subarray(0, this.length));
    this.length = 0;
    return out;
  }
}
