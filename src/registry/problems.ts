import { ServiceError } from '../common/service-error.js';

/** How many problems an import reports: enough to fix a pattern, few enough to read. */
export const MAX_PROBLEMS = 20;

/** An import refused as a whole: INVALID_INPUT whose message lists each problem on its own line. */
export class ImportRefused extends ServiceError {
  constructor(
    readonly problems: readonly string[],
    readonly stoppedEarly: boolean,
    what: string,
  ) {
    const count = stoppedEarly ? `the first ${problems.length} problems` : plural(problems.length, 'problem');
    super('INVALID_INPUT', `${what} refused, nothing was written: ${count}\n${problems.join('\n')}`, 'rows');
    this.name = 'ImportRefused';
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The problems found in an import's rows, as `row N, column X: message`. Problems may be found out
 * of order (a batch is checked against the database while the next is read), so the list keeps
 * the MAX_PROBLEMS of the lowest rows.
 */
export class RowProblems {
  private readonly found: { row: number; text: string }[] = [];
  private more = false;

  add(row: number, column: string, message: string): void {
    this.push(row, `row ${row}, column ${column}: ${message}`);
  }

  /** A problem of the file as a whole (a missing column, no rows), listed first. */
  addFile(message: string): void {
    this.push(0, message);
  }

  private push(row: number, text: string): void {
    this.found.push({ row, text });
    if (this.found.length > MAX_PROBLEMS) {
      this.found.sort((a, b) => a.row - b.row);
      this.found.pop();
      this.more = true;
    }
  }

  get any(): boolean {
    return this.found.length > 0;
  }

  /** True once MAX_PROBLEMS are listed: reading further would only find problems to leave out. */
  get full(): boolean {
    return this.found.length >= MAX_PROBLEMS;
  }

  /** The problems listed, by row. */
  get list(): string[] {
    return [...this.found].sort((a, b) => a.row - b.row).map((p) => p.text);
  }

  /** Throw the refusal when there is any problem. */
  refuseIfAny(what: string): void {
    if (this.any) throw new ImportRefused(this.list, this.more || this.full, what);
  }
}
