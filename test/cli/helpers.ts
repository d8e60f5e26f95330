import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** The repository root: the CLI runs from here, as `node bin/tongchou.js ...`. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Spawn the real CLI; `input` (if any) is written to its standard input, which is then closed;
 * `env` is added to (or, with undefined, taken out of) the test's environment.
 */
export function runCli(
  args: string[],
  input?: string,
  env: Record<string, string | undefined> = {},
): Promise<CliRun> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete childEnv[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/tongchou.js', ...args], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: childEnv,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const run = { code, stdout, stderr };
      expectNoStackTrace(run);
      resolve(run);
    });
    child.stdin.on('error', () => undefined); // the CLI may exit before reading (usage errors)
    child.stdin.end(input ?? '');
  });
}

/** The real CLI on the embedded database in `dataDir`, whatever DATABASE_URL the tests run with. */
export function runCliOn(dataDir: string, args: string[]): Promise<CliRun> {
  return runCli(args, undefined, { TONGCHOU_DATA: dataDir, DATABASE_URL: undefined });
}

/** No stack trace, internal module or source position ever reaches the user. */
export function expectNoStackTrace(run: { stdout: string; stderr: string }): void {
  for (const [name, text] of [
    ['stderr', run.stderr],
    ['stdout', run.stdout],
  ] as const) {
    expect(text, `${name} shows a stack trace`).not.toMatch(/^\s+at /m);
    expect(text, `${name} names node internals`).not.toContain('node:internal');
    expect(text, `${name} shows a source position`).not.toMatch(/\.[jt]s:\d+/);
  }
}

/** The output lines of a run, parsed. */
export function outLines(run: CliRun): Record<string, unknown>[] {
  return run.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A fresh temp directory per test; call `cleanup` in afterEach. */
export function tempDirs() {
  const dirs: string[] = [];
  return {
    make(): string {
      const dir = mkdtempSync(join(tmpdir(), 'tongchou-cli-'));
      dirs.push(dir);
      return dir;
    },
    write(dir: string, name: string, text: string): string {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    cleanup(): void {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

export type Json = Record<string, unknown>;

/** A valid shanxi-resident-2025 claim: resident inpatient at a class-2 county institution, 10,000.00. */
export function shanxiClaim(over: Json = {}): Json {
  return {
    claim_id: 'c1',
    psn_no: 'P001',
    insutype: '390',
    psn_type: '1501',
    age: 40,
    med_type: '21',
    fixmedins_code: 'H14010001',
    fixmedins_lv: '2',
    price_class: '2-county',
    insuplc_admdvs: '140100',
    mdtrtarea_admvs: '140100',
    setl_date: '2025-03-01',
    dise_codes: ['J18.9'],
    fees: [{ code: 'F001', chrgitm_lv: '01', det_item_fee_sumamt: 10000 }],
    ...over,
  };
}

/** Worked example 2: class-1, a class-02 line of 2,000.00 (self-pay 0.1) and a class-03 line of 500.00. */
export function shanxiExample2(over: Json = {}): Json {
  return shanxiClaim({
    claim_id: 'ex2',
    psn_no: 'P002',
    fixmedins_lv: '3',
    price_class: '1',
    fees: [
      { code: 'D001', chrgitm_lv: '02', det_item_fee_sumamt: 2000, selfpay_prop: 0.1 },
      { code: 'D002', chrgitm_lv: '03', det_item_fee_sumamt: 500 },
    ],
    ...over,
  });
}

/** Worked example 3: sanming-employee-2022, active employee, general outpatient, level 2, 900.00. */
export function sanmingClaim(over: Json = {}): Json {
  return {
    claim_id: 'ex3',
    psn_no: 'E001',
    insutype: '310',
    psn_type: '1101',
    age: 45,
    med_type: '11',
    fixmedins_code: 'H35040001',
    fixmedins_lv: '2',
    insuplc_admdvs: '350400',
    mdtrtarea_admvs: '350400',
    setl_date: '2022-03-01',
    dise_codes: [],
    fees: [{ code: 'F001', chrgitm_lv: '01', det_item_fee_sumamt: 900 }],
    ...over,
  };
}

/** JSON Lines text of the given claims (each line ends with `eol`). */
export function jsonl(claims: (Json | string)[], eol = '\n'): string {
  return claims.map((c) => (typeof c === 'string' ? c : JSON.stringify(c)) + eol).join('');
}
