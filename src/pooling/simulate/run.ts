import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { emptyTotals, mergeTotals, type SimulationTotals } from '../../domain/simulation/aggregate.js';
import { ColumnarFileError, type ColumnarClaims } from './columnar-reader.js';
import type { SourceRef, ToMain, ToWorker } from './messages.js';
import { Simulator, type RowGroupResult, type SimulationConfig } from './simulator.js';

export interface RunHooks {
  /** Each row group's outcome, called in row-group order (so persons.jsonl follows the file). */
  onRowGroup(result: RowGroupResult): void;
}

/** Below this many claims, starting worker threads costs more than it saves. */
const WORKERS_FROM_CLAIMS = 200_000;

/** Worker threads are run from the compiled worker.js; from TypeScript sources (tests) they are not. */
const WORKER_URL = new URL('./worker.js', import.meta.url);
export const workersAvailable = import.meta.url.endsWith('.js');

/** How many threads to use when not told: one per core (persons are independent), one for small inputs. */
export function defaultWorkers(claims: number, rowGroups: number): number {
  if (!workersAvailable || claims < WORKERS_FROM_CLAIMS) return 0;
  return Math.max(1, Math.min(availableParallelism(), rowGroups));
}

/**
 * Settle every row group under both sides and add up the totals: in this thread (`workers` 0), or
 * in worker threads, each sent the next row group when it is free, persons being independent.
 */
export async function simulateClaims(
  source: SourceRef,
  claims: ColumnarClaims,
  config: SimulationConfig,
  workers: number,
  hooks: RunHooks,
): Promise<SimulationTotals> {
  if (workers <= 0 || !workersAvailable || claims.rowGroupCount === 0) {
    const simulator = new Simulator(config, claims.footer.dictionaries);
    for (let i = 0; i < claims.rowGroupCount; i++)
      hooks.onRowGroup(simulator.runRowGroup(claims.rowGroup(i), i));
    return simulator.totals;
  }
  return inWorkers(source, claims.rowGroupCount, config, Math.min(workers, claims.rowGroupCount), hooks);
}

function inWorkers(
  source: SourceRef,
  rowGroups: number,
  config: SimulationConfig,
  count: number,
  hooks: RunHooks,
): Promise<SimulationTotals> {
  return new Promise((resolve, reject) =>
    new ParallelRun(rowGroups, hooks, resolve, reject).start(source, config, count),
  );
}

/**
 * Row groups handed to worker threads as each becomes free; their results passed on in row-group
 * order; the workers' totals added up when every one has finished. The first failure stops all.
 */
class ParallelRun {
  private readonly totals = emptyTotals();
  private readonly pending = new Map<number, RowGroupResult>();
  private readonly pool: Worker[] = [];
  private next = 0;
  private flushed = 0;
  private finished = 0;
  private failed = false;

  constructor(
    private readonly rowGroups: number,
    private readonly hooks: RunHooks,
    private readonly resolve: (totals: SimulationTotals) => void,
    private readonly reject: (e: Error) => void,
  ) {}

  start(source: SourceRef, config: SimulationConfig, count: number): void {
    for (let i = 0; i < count; i++) {
      const w = new Worker(WORKER_URL, { workerData: { source, config } });
      this.pool.push(w);
      w.on('message', (m: ToMain) => this.onMessage(w, m));
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a simulation worker stopped (exit ${code})`));
      });
    }
  }

  private onMessage(w: Worker, m: ToMain): void {
    if (this.failed) return;
    if (m.type === 'failed')
      return this.fail(m.columnar ? new ColumnarFileError(m.message) : new Error(m.message));
    if (m.type === 'totals') {
      mergeTotals(this.totals, m.totals);
      if (++this.finished === this.pool.length) this.resolve(this.totals);
      return;
    }
    if (m.type === 'result') {
      this.pending.set(m.result.index, m.result);
      try {
        this.flush();
      } catch (e) {
        return this.fail(e as Error);
      }
    }
    const message: ToWorker =
      this.next < this.rowGroups ? { type: 'run', index: this.next++ } : { type: 'finish' };
    w.postMessage(message);
  }

  /** Pass on the results that follow the last one passed on. */
  private flush(): void {
    for (let r = this.pending.get(this.flushed); r; r = this.pending.get(this.flushed)) {
      this.pending.delete(this.flushed++);
      this.hooks.onRowGroup(r);
    }
  }

  private fail(e: Error): void {
    if (this.failed) return;
    this.failed = true;
    for (const w of this.pool) void w.terminate();
    this.reject(e);
  }
}
