import type { CatalogueItem, InstitutionRecord } from './lookup.js';

/**
 * What a process keeps of the registry between claims: institutions, the catalogue version in force
 * on each date, catalogue items and the pack assigned to an area's scheme on each date. All of it
 * holds for one registry epoch (migration 014): every change to those tables moves the epoch in
 * its own transaction, each claim's read returns the epoch of its snapshot, and a different epoch
 * empties the cache. So what a claim is settled from is what it would have read itself.
 */
export class RegistryCache {
  /** The epoch what is kept was read at; null before the first read. */
  epoch: number | null = null;
  readonly institutions = new Kept<InstitutionRecord>();
  /** The catalogue version in force on a date (null: none is). */
  readonly versions = new Kept<number | null>();
  /** Items by `version|code`, whatever their validity (requireItems judges it by the claim's date). */
  readonly items = new Kept<CatalogueItem>();
  /** The pack hash governing `area|scheme|date` (null: none does). */
  readonly packs = new Kept<string | null>();

  /**
   * Whether a read at `epoch` may be kept: an epoch newer than the kept one empties the cache first;
   * an older one (a read that began before the last change) is not kept.
   */
  accepts(epoch: number): boolean {
    if (this.epoch !== null && epoch < this.epoch) return false;
    if (epoch !== this.epoch) {
      for (const kept of [this.institutions, this.versions, this.items, this.packs]) kept.clear();
      this.epoch = epoch;
    }
    return true;
  }
}

/** Most entries a map of the cache holds; past it, it starts again empty (a registry is far smaller). */
const MAX_ENTRIES = 100_000;

/** A map that forgets everything when it grows past MAX_ENTRIES, so that odd keys cannot exhaust memory. */
class Kept<V> extends Map<string, V> {
  override set(key: string, value: V): this {
    if (this.size >= MAX_ENTRIES && !this.has(key)) this.clear();
    return super.set(key, value);
  }
}

const caches = new WeakMap<object, RegistryCache>();

/** The cache of a database handle (one per pool, so per process and database). */
export function registryCacheOf(handle: object): RegistryCache {
  let cache = caches.get(handle);
  if (!cache) caches.set(handle, (cache = new RegistryCache()));
  return cache;
}
