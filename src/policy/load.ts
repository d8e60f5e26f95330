import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { CompiledPack } from '../domain/policy/model.js';
import { compilePack, PackInvalid } from './compile.js';

/** No pack by that id or at that path: a mistake in the call, not a problem of a pack. */
export class PackNotFound extends Error {}

/** The folder of shipped packs (`policies/<region>/<id>.yaml`), from src/ or dist/ alike. */
export const POLICIES_DIR = fileURLToPath(new URL('../../policies/', import.meta.url));

/** Ids of the shipped packs, with their files. */
export function shippedPacks(): Map<string, string> {
  const packs = new Map<string, string>();
  for (const region of readdirSync(POLICIES_DIR, { withFileTypes: true })) {
    if (!region.isDirectory()) continue;
    for (const file of readdirSync(join(POLICIES_DIR, region.name))) {
      if (/\.ya?ml$/.test(file))
        packs.set(file.replace(/\.ya?ml$/, ''), join(POLICIES_DIR, region.name, file));
    }
  }
  return packs;
}

/** Load a pack by shipped id or by file path; refuses it whole, listing every problem, if invalid. */
export function loadPack(ref: string): CompiledPack {
  const isPath = /[\\/]|\.ya?ml$/.test(ref);
  const file = isPath ? ref : shippedPacks().get(ref);
  if (!file) {
    const known = [...shippedPacks().keys()].sort().join(', ');
    throw new PackNotFound(
      `no shipped policy pack "${ref}"; known ids: ${known} (or give a path to a .yaml file)`,
    );
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new PackNotFound(`cannot read policy pack ${file}: ${reason}`);
  }
  return parsePackText(text, ref);
}

/** Parse YAML text (duplicate keys refused) and compile it. */
export function parsePackText(text: string, ref: string): CompiledPack {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => ({
      path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(yaml)',
      message: e.message.split('\n')[0] ?? e.message,
    }));
    throw new PackInvalid(ref, problems);
  }
  return compilePack(doc.toJS(), text, ref);
}
