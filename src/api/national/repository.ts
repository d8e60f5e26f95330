import type { Sql } from '../../db/index.js';
import { PERSON_COLUMNS, type PersonRecord } from '../../registry/lookup.js';
import type { Answer } from './envelope.js';

/** SQL of the national interface's own tables (migrations/009_api.sql) and its one registry read. */

export interface StoredMessage {
  infno: string;
  input_hash: string;
  answer: Answer;
}

/** The first answer given to an institution's msgid, if any. */
export async function findMessage(
  tx: Sql,
  institution: string,
  msgid: string,
): Promise<StoredMessage | undefined> {
  const [row] = await tx.query<StoredMessage>(
    'SELECT infno, input_hash, answer FROM api_message WHERE institution_code = $1 AND msgid = $2',
    [institution, msgid],
  );
  return row;
}

/** What a message finds when it arrives: see messageState. */
export interface MessageState {
  /** The msgid's first answer, if any. */
  seen: StoredMessage | null;
  /** Whether sign_no is an open sign-in of the institution. */
  signedIn: boolean;
  /** False when the institution had spent the nonce already (true when no nonce was given). */
  nonceFresh: boolean;
}

/**
 * In one statement: spend the request's nonce (null: none to spend), and read the msgid's first
 * answer, if any, and whether sign_no (null: none sent) is an open sign-in of the institution.
 */
export async function messageState(
  tx: Sql,
  m: { institution: string; msgid: string; signNo: string | null },
  nonce: { nonce: string; expiresAtMs: number } | null,
): Promise<MessageState> {
  const [row] = await tx.query<MessageState>(
    `WITH n AS (
       INSERT INTO api_nonce (institution_code, nonce, expires_at)
       SELECT $1, $4::text, to_timestamp($5::float8 / 1000) WHERE $4::text IS NOT NULL
       ON CONFLICT DO NOTHING RETURNING nonce)
     SELECT (SELECT row_to_json(m) FROM (SELECT infno, input_hash, answer FROM api_message
               WHERE institution_code = $1 AND msgid = $2) m) AS seen,
            EXISTS (SELECT 1 FROM api_sign_in WHERE sign_no = $3::text AND institution_code = $1
                      AND signed_out_at IS NULL) AS "signedIn",
            ($4::text IS NULL OR EXISTS (SELECT 1 FROM n)) AS "nonceFresh"`,
    [m.institution, m.msgid, m.signNo, nonce?.nonce ?? null, nonce?.expiresAtMs ?? null],
  );
  return row!;
}

export interface MessageToKeep {
  institution: string;
  msgid: string;
  infno: string;
  hash: string;
  answer: Answer;
}

/** An INSERT of a message's first answer, its parameters numbered from `first`, rows taken from `from`. */
function keepMessageSql(first: number, from: string): string {
  const p = (i: number) => `$${first + i}::text`;
  return `INSERT INTO api_message (institution_code, msgid, infno, input_hash, answer)
     SELECT ${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}::jsonb${from}
     ON CONFLICT DO NOTHING RETURNING msgid`;
}

function keepMessageParams(m: MessageToKeep): unknown[] {
  return [m.institution, m.msgid, m.infno, m.hash, JSON.stringify(m.answer)];
}

/** Keep an answer as the msgid's first; false when another copy of the message stored one first. */
export async function storeMessage(tx: Sql, m: MessageToKeep): Promise<boolean> {
  const rows = await tx.query(keepMessageSql(1, ''), keepMessageParams(m));
  return rows.length === 1;
}

/**
 * The same, as the write a settlement makes in its own statement (settle's alsoWrite): it keeps
 * the answer only when the settlement's key was claimed (CTE k), its parameters from `first`.
 */
export function storeMessageWith(m: MessageToKeep, first: number): { text: string; params: unknown[] } {
  return { text: keepMessageSql(first, ' FROM k'), params: keepMessageParams(m) };
}

export interface SignIn {
  signNo: string;
  signedInAt: number;
}

/** Record a sign-in, or find the one an earlier copy of the same message (msgid) recorded. */
export async function signIn(
  tx: Sql,
  s: { signNo: string; institution: string; msgid: string; opter: string; atMs: number },
): Promise<SignIn> {
  const [row] = await tx.query<{ signNo: string; at: number }>(
    `WITH i AS (
       INSERT INTO api_sign_in (sign_no, institution_code, msgid, opter, signed_in_at)
       VALUES ($1, $2, $3, $4, to_timestamp($5::float8 / 1000))
       ON CONFLICT (institution_code, msgid) DO NOTHING RETURNING sign_no, signed_in_at)
     SELECT sign_no AS "signNo", (extract(epoch FROM signed_in_at) * 1000)::bigint AS at FROM i
     UNION ALL
     SELECT sign_no, (extract(epoch FROM signed_in_at) * 1000)::bigint FROM api_sign_in
       WHERE institution_code = $2 AND msgid = $3 AND NOT EXISTS (SELECT 1 FROM i)`,
    [s.signNo, s.institution, s.msgid, s.opter, s.atMs],
  );
  return { signNo: row!.signNo, signedInAt: row!.at };
}

/** Close an open sign-in of the institution; false when there is no such open sign-in. */
export async function signOut(tx: Sql, institution: string, signNo: string, atMs: number): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE api_sign_in SET signed_out_at = to_timestamp($3::float8 / 1000)
     WHERE sign_no = $1 AND institution_code = $2 AND signed_out_at IS NULL RETURNING sign_no`,
    [signNo, institution, atMs],
  );
  return rows.length === 1;
}

/**
 * The person holding an ID number. The registry offers no lookup by ID number yet, so this reads
 * its tables with its own column list; it belongs in src/registry/lookup.ts.
 */
export async function personByCertno(tx: Sql, certno: string): Promise<PersonRecord | undefined> {
  const [row] = await tx.query<PersonRecord>(
    `SELECT ${PERSON_COLUMNS} FROM person WHERE psn_no = (SELECT psn_no FROM person_certno WHERE certno = $1)`,
    [certno],
  );
  return row;
}
