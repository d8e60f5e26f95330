import type { SimulationTotals } from '../../domain/simulation/aggregate.js';
import { FileSource, MemorySource, type ByteSource } from './columnar-reader.js';
import type { RowGroupResult } from './simulator.js';

/** Where the claims are, as a worker thread can open them again: a file, or shared memory. */
export type SourceRef =
  { kind: 'file'; file: string; name: string } | { kind: 'memory'; bytes: Uint8Array; name: string };

export function openSource(ref: SourceRef): ByteSource {
  return ref.kind === 'file' ? new FileSource(ref.file) : new MemorySource(ref.bytes);
}

/** From the main thread: settle a row group, or send the totals and stop. */
export type ToWorker = { type: 'run'; index: number } | { type: 'finish' };

export type ToMain =
  | { type: 'ready' }
  | { type: 'result'; result: RowGroupResult }
  | { type: 'totals'; totals: SimulationTotals }
  | { type: 'failed'; columnar: boolean; message: string };
