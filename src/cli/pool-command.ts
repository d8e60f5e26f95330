import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { formatYuan } from '../domain/money/money.js';
import type { BookTransfer } from '../pooling/merge/ledger-plan.js';
import { MergeRefused, type SlotNote } from '../pooling/merge/plan.js';
import {
  cancelMerge,
  listMerges,
  mergePools,
  runMerge,
  type CancelOutcome,
  type MergeOutcome,
  type MergeRecord,
  type OperationContext,
} from '../pooling/merge/service.js';
import { withDatabase } from './db-commands.js';
import { UsageError } from './usage-error.js';

/**
 * `tongchou pool merge --into CITY --from A,B,… --on DATE`, `tongchou pool merge run ID`,
 * `tongchou pool merge cancel ID` and `tongchou pool merges`: the CLI over src/pooling/merge.
 */

const out = (line = '') => process.stdout.write(`${line}\n`);

function yuan(fen: number): string {
  const [whole, cents] = formatYuan(fen).split('.');
  return `${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents!}`;
}

function loginName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

function context(actor: string | undefined): OperationContext {
  return { actor: actor ?? loginName(), origin: 'cli' };
}

/** --actor given after a subcommand is parsed by `pool merge` itself, so read the options of both. */
function actorOf(cmd: Command): string | undefined {
  return (cmd.optsWithGlobals() as { actor?: string }).actor;
}

function mergeId(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`a merge id is a whole number, not "${text}"`);
  return Number(text);
}

function headline(m: MergeRecord): string {
  const when = m.status === 'done' ? `, done ${m.completedAt} by ${m.completedBy}` : '';
  const cancelled = m.status === 'cancelled' ? `, cancelled ${m.cancelledAt} by ${m.cancelledBy}` : '';
  return `merge ${m.id}: ${m.counties.join(', ')} into ${m.city} from ${m.date}: ${m.status} (scheduled ${m.createdAt} by ${m.createdBy}${when}${cancelled})`;
}

function slotLine(n: SlotNote): string {
  const carried =
    n.notCarried.length === 0 && n.startAtZero.length === 0
      ? 'every counter carried'
      : `carried ${n.carried.join(', ') || 'none'}`;
  const lost = n.notCarried.length ? `; not read by the city pack: ${n.notCarried.join(', ')}` : '';
  const zero = n.startAtZero.length ? `; start at zero: ${n.startAtZero.join(', ')}` : '';
  return `  counters, scheme ${n.scheme}, ${n.countyPack} → ${n.cityPack} (${n.counties.join(', ')}): ${carried}${lost}${zero}`;
}

function bookLines(b: BookTransfer): string[] {
  const cols = ['kind', 'city before', 'counties before', 'transferred', 'city after', 'counties after'];
  const rows = b.lines.map((l) => [
    l.kind,
    ...[l.cityBefore, l.countiesBefore, l.transferred, l.cityAfter, l.countiesAfter].map(yuan),
  ]);
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `    ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`;
  return [`  book ${b.book} (journal ${b.journalId ?? '—'}), yuan:`, line(cols), ...rows.map(line)];
}

function printOutcome(r: MergeOutcome): void {
  out(headline(r.merge));
  if (r.replay) out('  asked for already: nothing new was written');
  if (r.registry) {
    const g = r.registry;
    out(
      `  registry: ${g.packsEnded} pack assignments ended on the eve, ${g.packsAssigned} assigned the city's pack from ${r.merge.date}; ` +
        `${g.enrolmentsSplit} enrolments continued in ${r.merge.city}, ${g.enrolmentsMoved} moved`,
    );
    g.accumulators.forEach((n) => out(slotLine(n)));
  }
  if (r.transfer) {
    r.transfer.books.forEach((b) => bookLines(b).forEach((l) => out(l)));
    if (r.transfer.books.length === 0) out('  no county account held a balance: nothing to transfer');
    out(
      `  personal accounts filed under ${r.merge.city}: ${r.transfer.personalAccountsRefiled} (their balances stay the person's)`,
    );
  }
  if (r.pending.length) {
    out(`  before it can run on or after ${r.merge.date}:`);
    r.pending.forEach((p) => out(`    ${p.area}: ${p.message}`));
  }
}

function printCancel(r: CancelOutcome): void {
  out(headline(r.merge));
  if (r.replay) out('  cancelled already: nothing new was written');
  if (r.restored) {
    const x = r.restored;
    out(
      `  undone: ${x.packsRemoved} assignments of the city's pack removed, ${x.packsRestored} county assignments restored; ` +
        `${x.enrolmentsRemoved} city enrolments removed, ${x.enrolmentsRestored} county enrolments restored`,
    );
  }
}

/** Print a refusal reason by reason (exit 2); anything else goes to main's handler. */
async function reporting<T>(run: () => Promise<T>, print: (t: T) => void): Promise<void> {
  try {
    print(await run());
  } catch (e) {
    if (!(e instanceof MergeRefused)) throw e;
    process.stderr.write(`tongchou: ${e.code}: ${e.what} is refused:\n`);
    for (const r of e.reasons) process.stderr.write(`  ${r.area} ${r.code}: ${r.message}\n`);
    process.exitCode = 2;
  }
}

interface MergeOptions {
  into?: string;
  from?: string;
  on?: string;
  actor?: string;
}

function mergeRequest(o: MergeOptions) {
  const missing = (['into', 'from', 'on'] as const).filter((k) => !o[k]);
  if (missing.length) throw new UsageError(`pool merge needs ${missing.map((k) => `--${k}`).join(', ')}`);
  return { into: o.into!, from: o.from!.split(',').map((s) => s.trim()), on: o.on! };
}

/** `pool merge run ID` and `pool merge cancel ID`. */
function addRunAndCancel(merge: Command): void {
  merge
    .command('run')
    .description('run a scheduled merge on or after its date: post the transfer up')
    .argument('<id>', 'the merge id', mergeId)
    .option('--actor <name>', 'who runs it (default: your login name)')
    .action(async (id: number, _o: unknown, cmd: Command) => {
      const ctx = context(actorOf(cmd));
      await reporting(() => withDatabase((db) => runMerge(db, { id }, ctx)), printOutcome);
    });
  merge
    .command('cancel')
    .description('cancel a scheduled merge before its date, undoing its pack and enrolment changes')
    .argument('<id>', 'the merge id', mergeId)
    .option('--actor <name>', 'who cancels it (default: your login name)')
    .action(async (id: number, _o: unknown, cmd: Command) => {
      const ctx = context(actorOf(cmd));
      await reporting(() => withDatabase((db) => cancelMerge(db, { id }, ctx)), printCancel);
    });
}

export function addPoolCommand(program: Command): void {
  const pool = program
    .command('pool')
    .description('raising the pooling level: merge county pools into their city pool');
  const merge = pool
    .command('merge')
    .description(
      'merge counties into their city pool from DATE (the first of a month): dated pack and enrolment changes now, ' +
        'the transfer up of every county balance (one journal per book) when DATE has come',
    )
    .option('--into <city>', 'the city pool, e.g. 220100')
    .option('--from <areas>', 'the counties, comma-separated, e.g. 220112,220113')
    .option('--on <date>', 'the effective date, YYYY-MM-01')
    .option('--actor <name>', 'who runs it, for the audit trail (default: your login name)')
    .action(async (o: MergeOptions) => {
      const request = mergeRequest(o);
      await reporting(() => withDatabase((db) => mergePools(db, request, context(o.actor))), printOutcome);
    });
  addRunAndCancel(merge);
  pool
    .command('merges')
    .description('list the merges: scheduled, done and cancelled')
    .action(async () => {
      const merges = await withDatabase((db) => listMerges(db));
      if (merges.length === 0) out('no merges');
      merges.forEach((m) => out(headline(m)));
    });
}
