import type { DbConfig } from './config.js';
import { openPglite } from './pglite.js';
import { openServer } from './server.js';

/** A row as the database returns it: bigint as a safe JS number, date as 'YYYY-MM-DD'. */
export type Row = Record<string, unknown>;

/** What a repository needs: parameterised queries, several statements at once, and bulk COPY. */
export interface Sql {
  query<T extends object = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements with no parameters (migrations). */
  exec(text: string): Promise<void>;
  /** Load rows with COPY … FROM STDIN (CSV); null is SQL NULL. */
  copyRows(table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>): Promise<number>;
}

/** Turns a database error of a deferred statement into the error its caller should see. */
export type ErrorMapper = (error: unknown) => unknown;

/**
 * A transaction. Besides queries it takes deferred statements: writes whose results nobody reads,
 * sent together with the next query or with COMMIT, so that a transaction's last writes cost no
 * round trip of their own. A deferred statement's error is raised by that query or by the commit
 * (the transaction then rolls back), passed through its mapper.
 */
export interface Tx extends Sql {
  defer(text: string, params?: readonly unknown[], mapError?: ErrorMapper): void;
}

/** One database: PGlite embedded or a PostgreSQL server, behind the same SQL. */
export interface Database extends Sql {
  readonly kind: DbConfig['kind'];
  /**
   * True for a caller's transaction lent by joinTransaction: a failed statement has aborted it, so
   * a service must not retry inside it but let the caller's transaction retry whole.
   */
  readonly joined?: boolean;
  /** Run fn in one transaction; retried on serialization failure or deadlock, which roll back. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * A Database whose transactions are the one already open, so that a service opening its own
 * transaction (settle, reverse) writes in the caller's and both commit together. It is not closed
 * by its user: the caller's transaction ends it.
 */
export function joinTransaction(tx: Tx, kind: Database['kind']): Database {
  return {
    kind,
    joined: true,
    query: (text, params) => tx.query(text, params),
    exec: (text) => tx.exec(text),
    copyRows: (table, columns, rows) => tx.copyRows(table, columns, rows),
    transaction: (fn) => fn(tx),
    close: () => Promise.reject(new Error('a joined transaction is ended by its caller, not closed')),
  };
}

/** A deferred statement, waiting to be sent. */
export interface Deferred {
  text: string;
  params: readonly unknown[];
  mapError: ErrorMapper | undefined;
}

/** Open the configured database (no migrations: see `migrate`). */
export async function openDatabase(config: DbConfig): Promise<Database> {
  return config.kind === 'pglite' ? openPglite(config.dataDir) : openServer(config);
}
