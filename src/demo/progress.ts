/**
 * How the demo tells a person what it is doing: on a terminal a progress bar redrawn in place
 * (\r on standard error), elsewhere one plain line per phase, so that logs and pipes stay readable.
 */
export interface DemoReporter {
  /** A new phase begins. */
  phase(name: string): void;
  /** Progress within the phase. */
  progress(done: number, total: number): void;
  /** The phase is over (optionally with what it did). */
  done(summary?: string): void;
}

type Out = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

const BAR_WIDTH = 30;
const REDRAW_MS = 100;

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

/** A bar on a terminal. */
class BarReporter implements DemoReporter {
  private name = '';
  private started = Date.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly out: Out) {}

  phase(name: string): void {
    this.finish();
    this.name = name;
    this.started = Date.now();
    this.out.write(`\r${name} …`);
    this.drawn = true;
  }

  progress(done: number, total: number): void {
    const now = Date.now();
    if (now - this.lastDraw < REDRAW_MS && done < total) return;
    this.lastDraw = now;
    const share = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(share * BAR_WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
    const tail = ` ${bar} ${Math.floor(share * 100)}% ${done.toLocaleString('en')}/${total.toLocaleString('en')} ${seconds(this.started)}`;
    // Shorten the phase's name, never the figures, to keep the line from wrapping.
    const room = Math.max(0, (this.out.columns || 120) - 1 - tail.length);
    const name = this.name.length > room ? `${this.name.slice(0, Math.max(0, room - 1))}…` : this.name;
    this.out.write(`\r${name}${tail}\x1b[K`);
    this.drawn = true;
  }

  done(summary?: string): void {
    if (!this.drawn) return;
    this.out.write(`\r${this.name}${summary ? `: ${summary}` : ''} (${seconds(this.started)})\x1b[K\n`);
    this.drawn = false;
  }

  private finish(): void {
    if (this.drawn) this.done();
  }
}

/** Plain lines for logs: the phase when it starts and when it ends. */
class LineReporter implements DemoReporter {
  private name = '';
  private started = Date.now();
  private open = false;

  constructor(private readonly out: Out) {}

  phase(name: string): void {
    if (this.open) this.done();
    this.name = name;
    this.started = Date.now();
    this.open = true;
    this.out.write(`demo: ${name}\n`);
  }

  progress(): void {}

  done(summary?: string): void {
    if (!this.open) return;
    this.open = false;
    this.out.write(`demo: ${this.name} done${summary ? `: ${summary}` : ''} (${seconds(this.started)})\n`);
  }
}

/** A bar on a terminal, plain lines otherwise. */
export function reporterFor(out: Out): DemoReporter {
  return out.isTTY ? new BarReporter(out) : new LineReporter(out);
}

/** Says nothing: for tests and callers that only want the result. */
export const silentReporter: DemoReporter = {
  phase: () => {},
  progress: () => {},
  done: () => {},
};
