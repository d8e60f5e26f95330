import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compilePack, PackInvalid } from '../../src/policy/compile.js';
import { loadPack, shippedPacks } from '../../src/policy/load.js';
import { jsonl, runCli, shanxiClaim, tempDirs } from './helpers.js';
import { BAD_PACKS, edit, SHANXI_YAML, type BadPack } from './pack-cases.js';

// A bad pack is refused whole, with every problem listed by path (DESIGN §5), in process and
// through the CLI (`calc --policy bad.yaml` and `policy check bad.yaml` exit 2, nothing on stdout).

const tmp = tempDirs();
afterEach(() => tmp.cleanup());

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PackInvalid);
    const problems = (e as PackInvalid).problems;
    for (const p of problems) {
      expect(typeof p.path).toBe('string');
      expect(p.message.trim()).not.toBe('');
      expect((e as PackInvalid).message).toContain(`${p.path}: ${p.message}`);
    }
    return problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('the pack was accepted');
}

function expectEveryProblem(listed: string[], c: BadPack): void {
  for (const want of c.problems) {
    expect(
      listed.some((line) => want.test(line)),
      `${c.name}: no problem matches ${want}; listed:\n${listed.join('\n')}`,
    ).toBe(true);
  }
}

describe('the shipped shanxi pack, unbroken', () => {
  it('compiles, so every failure below comes from the one thing broken', () => {
    const file = tmp.write(tmp.make(), 'shanxi-copy.yaml', SHANXI_YAML);
    expect(loadPack(file).id).toBe('shanxi-resident-2025');
    expect(compilePack(parse(SHANXI_YAML), SHANXI_YAML, 'copy').benefits).toHaveLength(1);
  });
});

describe('bad packs, in process: loadPack throws PackInvalid listing every problem by path', () => {
  it.each(BAD_PACKS.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const file = tmp.write(tmp.make(), 'bad.yaml', c.yaml);
    expectEveryProblem(
      problemsOf(() => loadPack(file)),
      c,
    );
  });

  it('compilePack refuses a parsed document the same way, and refuses non-objects', () => {
    const doc = parse(edit(['- amount: 70000', '- amount: -70000'])) as unknown;
    expect(problemsOf(() => compilePack(doc, '', 'doc')).join('\n')).toMatch(/caps\.resident-pool-annual/);
    for (const bad of [null, 42, 'pack', [], {}]) {
      expect(problemsOf(() => compilePack(bad, '', 'doc')).length).toBeGreaterThan(0);
    }
  });
});

// `policy check` runs on every bad pack; `calc --policy` (the same loader) on one of each kind.
const VIA_CALC = new Set([
  'YAML syntax error',
  'duplicate top-level key',
  'unknown top-level key',
  'missing id',
  'rate 101%',
  'negative amount',
  'a cell neither given nor declared absent',
  'a cell given twice',
  'validUntil before validFrom',
  'a benefit referencing an unknown cap',
  'segment bounds not increasing',
  'an empty file',
  'several schema problems',
  'several coverage and reference problems',
  'schema and coverage problems together',
]);

describe.concurrent('bad packs, through the CLI: exit 2, every problem on stderr, nothing on stdout', () => {
  it('runs calc on a representative set', () => {
    expect(BAD_PACKS.filter((c) => VIA_CALC.has(c.name))).toHaveLength(VIA_CALC.size);
  });

  it.each(BAD_PACKS.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const dir = mkdtempSync(join(tmpdir(), 'tongchou-pack-'));
    try {
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, c.yaml);
      const runs = await Promise.all([
        runCli(['policy', 'check', file]),
        ...(VIA_CALC.has(c.name) ? [runCli(['calc', '--policy', file], jsonl([shanxiClaim()]))] : []),
      ]);
      for (const run of runs) {
        expect(run.code).toBe(2);
        expect(run.stdout).toBe('');
        expect(run.stderr).toContain('bad.yaml');
        expectEveryProblem(
          run.stderr.split('\n').map((l) => l.trim()),
          c,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('policy check on the shipped packs', () => {
  it('exits 0 for every shipped pack, by id and by file', async () => {
    const packs = [...shippedPacks()];
    expect(packs.map(([id]) => id).sort()).toEqual([
      'demo-city-2025',
      'fujian-employee-adjustment-2019',
      'nanchong-2017',
      'sanming-employee-2022',
      'shanxi-resident-2025',
      'taizhou-2019',
    ]);
    const runs = await Promise.all(
      packs.flatMap(([id, file]) => [runCli(['policy', 'check', id]), runCli(['policy', 'check', file])]),
    );
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/: valid \(/);
    }
  });

  it('exits 2 for an unknown id and a missing file, without a stack trace', async () => {
    const runs = await Promise.all([
      runCli(['policy', 'check', 'atlantis-2030']),
      runCli(['policy', 'check', 'no/such/pack.yaml']),
      runCli(['policy', 'check']),
    ]);
    for (const run of runs) {
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).not.toBe('');
    }
  });
});
