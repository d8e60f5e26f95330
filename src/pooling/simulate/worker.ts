import { parentPort, workerData } from 'node:worker_threads';
import { ColumnarClaims, ColumnarFileError } from './columnar-reader.js';
import { openSource, type SourceRef, type ToMain, type ToWorker } from './messages.js';
import { Simulator, type SimulationConfig } from './simulator.js';

/**
 * A worker thread of the simulation: opens the claims itself (the file, or the shared memory the
 * main thread filled), settles the row groups it is sent, and answers each with its persons lines
 * and refusals; at the end it sends its totals.
 */
const { source, config } = workerData as { source: SourceRef; config: SimulationConfig };
const port = parentPort!;

function send(message: ToMain): void {
  port.postMessage(message);
}

try {
  const claims = ColumnarClaims.open(openSource(source), source.name);
  const simulator = new Simulator(config, claims.footer.dictionaries);
  port.on('message', (message: ToWorker) => {
    try {
      if (message.type === 'run') {
        const result = simulator.runRowGroup(claims.rowGroup(message.index), message.index);
        // The persons lines' bytes are moved to the main thread, not copied.
        port.postMessage({ type: 'result', result } satisfies ToMain, [result.persons.buffer as ArrayBuffer]);
      } else {
        send({ type: 'totals', totals: simulator.totals });
        claims.close();
        port.close();
      }
    } catch (e) {
      send(failure(e));
    }
  });
  send({ type: 'ready' });
} catch (e) {
  send(failure(e));
}

function failure(e: unknown): ToMain {
  return {
    type: 'failed',
    columnar: e instanceof ColumnarFileError,
    message: e instanceof Error ? e.message : String(e),
  };
}
