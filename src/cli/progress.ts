/**
 * A one-line progress counter on standard error, only when it is a terminal (so pipes and CI logs
 * stay clean), redrawn at most a few times a second.
 */
export class Progress {
  private readonly started = Date.now();
  private lastDraw = 0;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly unit: string,
  ) {}

  update(count: number): void {
    if (!this.out.isTTY) return;
    const now = Date.now();
    if (now - this.lastDraw < 200) return;
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    this.out.write(
      `\r${count.toLocaleString('en')} ${this.unit} (${Math.round(count / Math.max(seconds, 0.001)).toLocaleString('en')}/s)   `,
    );
  }

  done(summary: string): void {
    if (!this.out.isTTY) return;
    this.out.write(`\r${summary} in ${Math.round((Date.now() - this.started) / 100) / 10} s\n`);
  }
}
