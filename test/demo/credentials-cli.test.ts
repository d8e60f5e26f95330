import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DemoAccess } from '../../src/demo/credentials.js';
import { ROOT, expectNoStackTrace, runCliOn } from '../cli/helpers.js';

/**
 * The README's main command, `tongchou demo --if-empty --out demo.json && tongchou serve`, on one
 * embedded data folder, twice: the first run builds the demo and writes the file, the second leaves
 * both as they are and exits 0, and each time the server starts on that database and is ready.
 */

const dir = mkdtempSync(join(tmpdir(), 'tongchou-demo-serve-'));
const data = join(dir, 'data');
const out = join(dir, 'demo.json');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `tongchou serve --port 0` on the data folder: wait for its address, GET /readyz, SIGTERM it. */
async function serveOnce(): Promise<{ ready: unknown; code: number | null; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, TONGCHOU_DATA: data, TONGCHOU_LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['bin/tongchou.js', 'serve', '--port', '0'], { cwd: ROOT, env });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  const ready = await (await fetch(`${url}/readyz`)).json();
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  const code = await exited;
  return { ready, code, stderr };
}

const demo = () => runCliOn(data, ['demo', '--persons', '40', '--days', '1', '--if-empty', '--out', out]);

describe('tongchou demo --if-empty --out FILE && tongchou serve', () => {
  it('works on a fresh data folder and again on the same one', async () => {
    const first = await demo();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(
      `credentials of 38 institutions, 7 staff users and 20 insured persons: ${out}`,
    );
    const written = readFileSync(out, 'utf8');
    const access = JSON.parse(written) as DemoAccess;
    expect(access.institutions).toHaveLength(38);
    expect(access.server.url).toBe('http://127.0.0.1:8080');
    const served = await serveOnce();
    expect(served).toMatchObject({ ready: { status: 'ready' }, code: 0 });
    expectNoStackTrace({ stdout: '', stderr: served.stderr });

    const second = await demo();
    expect(second).toMatchObject({ code: 0, stdout: '' });
    expect(second.stderr).toContain(
      `the database already holds the demo city; nothing was written. ${out} from the first run still holds its credentials.`,
    );
    expect(readFileSync(out, 'utf8')).toBe(written);
    expect(await serveOnce()).toMatchObject({ ready: { status: 'ready' }, code: 0 });
  }, 300_000);

  it('without --if-empty a second run is still refused (exit 2)', async () => {
    const again = await runCliOn(data, ['demo', '--persons', '40', '--days', '1']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds the demo city/);
  }, 120_000);
});
