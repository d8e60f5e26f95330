import type { Database } from '../db/index.js';
import type { ApiConfig } from './config.js';
import { RateLimiter } from './rate-limit.js';

/** What the routes share: the database, the configuration, the clock, the limiter, the work in flight. */
export interface ServerContext {
  db: Database;
  config: ApiConfig;
  clock: () => number;
  limiter: RateLimiter;
  /** True from the moment the server begins to close: /readyz answers 503. */
  closing: boolean;
  /** Keep a piece of work until it ends, so that closing waits for it even if its request has been answered. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Every piece of work still running. */
  settled(): Promise<void>;
}

export function createServerContext(db: Database, config: ApiConfig, clock: () => number): ServerContext {
  const inFlight = new Set<Promise<unknown>>();
  return {
    db,
    config,
    clock,
    limiter: new RateLimiter(config.rateLimit),
    closing: false,
    track(work) {
      const kept = work.then(
        () => undefined,
        () => undefined,
      );
      inFlight.add(kept);
      void kept.then(() => inFlight.delete(kept));
      return work;
    },
    async settled() {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
  };
}
