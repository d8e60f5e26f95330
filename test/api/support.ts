import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { createInstitutionCredential } from '../../src/api/auth/credentials.js';
import { signRequest } from '../../src/api/auth/hmac.js';
import { testApiConfig, type ApiConfig } from '../../src/api/config.js';
import { NATIONAL_PATH } from '../../src/api/national/route.js';
import { buildServer } from '../../src/api/server.js';
import type { Database, Sql } from '../../src/db/index.js';
import { creditAccount } from '../support/credit.js';
import { addEmployee, seedWorld } from '../support/world.js';

/** Helpers of the API's end-to-end tests: a real server on an ephemeral port, and signed requests. */

/** 2025-03-10 10:00:00 in China (02:00 UTC): the test world's settlement date. */
export const NOW = Date.parse('2025-03-10T02:00:00Z');

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  /** Every log line written so far. */
  logs: string[];
  /** Move the server's clock. */
  setNow(ms: number): void;
  close(): Promise<void>;
}

/** Build the server on the database with a fixed clock and listen on 127.0.0.1, any free port. */
export async function startServer(
  db: Database,
  config: Partial<ApiConfig> = {},
  extend?: (app: FastifyInstance) => void,
): Promise<RunningServer> {
  let now = NOW;
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''),
      );
      done();
    },
  });
  const app = buildServer({
    db,
    config: testApiConfig({ logLevel: 'info', ...config }),
    clock: () => now,
    logStream,
  });
  extend?.(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    logs,
    setNow: (ms) => (now = ms),
    close: () => app.close(),
  };
}

export interface Credential {
  institution: string;
  secret: string;
}

export async function credentialFor(db: Database, institution: string): Promise<Credential> {
  const c = await createInstitutionCredential(db, institution);
  return { institution, secret: c.secret };
}

export interface SendOptions {
  /** Seconds since the epoch written in the timestamp header (the server's NOW unless given). */
  timestamp?: number;
  nonce?: string;
  /** Sign with this secret instead of the credential's. */
  secret?: string;
  contentType?: string | null;
  headers?: Record<string, string>;
}

export interface Sent {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

/** POST raw bytes to the national endpoint, signed as the credential's institution. */
export async function sendRaw(
  server: Pick<RunningServer, 'url'>,
  cred: Credential,
  body: string | Buffer,
  o: SendOptions = {},
): Promise<Sent> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const timestamp = String(o.timestamp ?? Math.floor(NOW / 1000));
  const nonce = o.nonce ?? randomBytes(12).toString('hex');
  const headers: Record<string, string> = {
    'x-tc-institution': cred.institution,
    'x-tc-timestamp': timestamp,
    'x-tc-nonce': nonce,
    'x-tc-signature': signRequest(o.secret ?? cred.secret, timestamp, nonce, bytes),
    ...o.headers,
  };
  if (o.contentType !== null) headers['content-type'] = o.contentType ?? 'application/json';
  const res = await fetch(`${server.url}${NATIONAL_PATH}`, {
    method: 'POST',
    headers,
    body: new Uint8Array(bytes),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // left empty: the test looks at text
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

let seq = 0;

/** A message envelope for an institution, with a fresh msgid unless one is given. */
export function envelope(
  institution: string,
  infno: string,
  input: unknown,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  seq += 1;
  return {
    infno,
    msgid: `${institution}20250310100000${String(seq).padStart(4, '0')}`,
    mdtrtarea_admvs: '350400',
    insuplc_admdvs: '350400',
    recer_sys_code: 'TC',
    opter: 'OP01',
    opter_name: '收费员',
    opter_type: '1',
    fixmedins_code: institution,
    fixmedins_name: 'test',
    inf_time: '2025-03-10 10:00:00',
    input,
    ...extra,
  };
}

/** Send a message (JSON) and answer its parsed body. */
export async function call(
  server: Pick<RunningServer, 'url'>,
  cred: Credential,
  message: Record<string, unknown>,
  o: SendOptions = {},
): Promise<Record<string, unknown>> {
  const sent = await sendRaw(server, cred, JSON.stringify(message), o);
  if (sent.status !== 200) throw new Error(`HTTP ${sent.status}: ${sent.text}`);
  return sent.body;
}

/** Sign in with 9001 and answer the sign_no. */
export async function signIn(
  server: Pick<RunningServer, 'url'>,
  cred: Credential,
  o: SendOptions = {},
): Promise<string> {
  const a = await call(
    server,
    cred,
    envelope(cred.institution, '9001', { signIn: { opter_no: 'OP01', mac: '00-00', ip: '127.0.0.1' } }),
    o,
  );
  const out = a.output as { signinoutb: { sign_no: string } };
  return out.signinoutb.sign_no;
}

/** The ID number test/support/world.ts gives an employee P<n>. */
export function certnoOf(psnNo: string): string {
  return `350402198005${psnNo.replace(/\D/g, '').padStart(6, '0').slice(-6)}`;
}

/**
 * The test world (Sanming, hospitals H002 and H001), employees with 3,000.00 in their personal
 * accounts, each ID number registered for lookup as the registry's own services would.
 */
export async function seedApiWorld(db: Database, persons: readonly string[]): Promise<void> {
  await seedWorld(db);
  for (const p of persons) {
    await addEmployee(db, p);
    await db.query('INSERT INTO person_certno (certno, psn_no) VALUES ($1, $2)', [certnoOf(p), p]);
    await creditAccount(db, p, 3_000_00, `credit:${p}`);
  }
}

/** Rows in every table a national message may write but the nonces: to show what a call wrote. */
export async function writes(db: Sql): Promise<Record<string, number>> {
  const tables = [
    'settlement',
    'settlement_line',
    'settlement_fund',
    'settlement_reversal',
    'person_totals',
    'journal',
    'posting',
    'idempotency',
    'api_message',
    'api_sign_in',
    'api_credential',
  ];
  const [row] = await db.query<Record<string, number>>(
    `SELECT ${tables.map((t) => `(SELECT count(*) FROM ${t})::int AS ${t}`).join(', ')}`,
  );
  return row!;
}
