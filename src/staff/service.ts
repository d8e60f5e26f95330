import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ServiceError } from '../common/service-error.js';
import type { Database, Sql } from '../db/index.js';
import { parseInput } from '../registry/schemas.js';
import {
  dummyHash,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  verifyPassword,
} from './password.js';
import * as repo from './repository.js';
import { ROLES, roleMay, type Operation, type Role } from './roles.js';

/**
 * Staff users, sign-in and authorisation.
 *
 * Sessions, not signed tokens: a login answers a random 256-bit bearer token and keeps only its
 * SHA-256 with an expiry. Every request looks the session and the user up, so logging out, disabling
 * a user or changing a role takes effect on the next request, and there is no signing key to keep
 * secret and rotate; the cost is one indexed read per request, which the REST API can afford.
 */

/** A session lasts a working shift. */
export const SESSION_HOURS = 8;

/** Who is calling: a signed-in staff member with a role and the areas it covers. */
export interface Staff {
  username: string;
  role: Role;
  areas: string[];
}

/** Where a request comes from, for the audit trail. */
export interface Origin {
  ip: string | null;
  requestId: string | null;
}

export const usernameSchema = z
  .string({ error: 'must be text' })
  .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'must be 2–64 lower-case letters, digits, ".", "_" or "-"');

const createSchema = z.strictObject({
  username: usernameSchema,
  password: z
    .string({ error: 'must be text' })
    .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
    .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`),
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
  areas: z
    .array(z.string().regex(/^\d{6}$/, 'must be a 6-digit area code'), {
      error: 'must be a list of area codes',
    })
    .min(1, 'must name at least one pooling area')
    .max(100),
});

export type StaffInput = z.input<typeof createSchema>;

/** Create a staff user with a role over the given areas (each with its subtree). */
export async function createStaff(db: Database, input: StaffInput): Promise<Staff> {
  const s = parseInput(createSchema, input);
  const areas = [...new Set(s.areas)].sort();
  const passwordHash = await hashPassword(s.password);
  return db.transaction(async (tx) => {
    const found = await repo.existingAreas(tx, areas);
    const missing = areas.find((a) => !found.includes(a));
    if (missing) throw new ServiceError('NOT_FOUND', `no pooling area ${missing}`, 'areas');
    if (!(await repo.insertStaff(tx, { username: s.username, passwordHash, role: s.role, areas })))
      throw new ServiceError('ALREADY_EXISTS', `staff user ${s.username} already exists`, 'username');
    return { username: s.username, role: s.role, areas };
  });
}

export const loginSchema = z.strictObject({
  username: z.string({ error: 'must be text' }).min(1, 'must not be empty').max(64),
  password: z.string({ error: 'must be text' }).min(1, 'must not be empty').max(MAX_PASSWORD_LENGTH),
});

export interface Session extends Staff {
  token: string;
  expiresAt: string;
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** The audit row of an outcome of the REST API (written by the caller's transaction or alone). */
export function audit(tx: Sql, row: repo.AuditRow): Promise<void> {
  return repo.insertAudit(tx, row);
}

/**
 * Sign in. A wrong password and an unknown (or disabled) user get the same answer after the same
 * scrypt work; both are written to the audit log, as is a sign-in.
 */
export async function login(
  db: Database,
  input: z.input<typeof loginSchema>,
  origin: Origin,
  now: number,
): Promise<Session> {
  const l = parseInput(loginSchema, input);
  const user = await repo.findStaff(db, l.username);
  const matches = await verifyPassword(l.password, user?.passwordHash ?? (await dummyHash()));
  const base = { action: 'auth.login', subject: `staff_user/${l.username}`, ip: origin.ip };
  if (!user || user.disabled || !matches) {
    await audit(db, {
      ...base,
      actor: l.username,
      role: null,
      outcome: 'refused',
      requestId: origin.requestId,
      details: { code: 'UNAUTHENTICATED' },
    });
    throw new ServiceError('UNAUTHENTICATED', 'the username or the password is wrong', '');
  }
  const token = `tcs_${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(now + SESSION_HOURS * 3_600_000);
  await db.transaction(async (tx) => {
    await repo.insertSession(tx, {
      tokenHash: tokenHash(token),
      username: user.username,
      createdAt: new Date(now),
      expiresAt,
      origin: origin.ip ?? 'unknown',
    });
    const details = { expiresAt: expiresAt.toISOString() };
    await audit(tx, {
      ...base,
      actor: user.username,
      role: user.role,
      outcome: 'done',
      requestId: origin.requestId,
      details,
    });
  });
  return {
    token,
    expiresAt: expiresAt.toISOString(),
    username: user.username,
    role: user.role,
    areas: user.areas,
  };
}

/** The staff member of a bearer token, or UNAUTHENTICATED (unknown, expired or revoked session). */
export async function authenticate(db: Sql, token: string, now: number): Promise<Staff> {
  const user = /^tcs_[A-Za-z0-9_-]{43}$/.test(token)
    ? await repo.sessionStaff(db, tokenHash(token), new Date(now))
    : undefined;
  if (!user)
    throw new ServiceError(
      'UNAUTHENTICATED',
      'sign in first: the session is missing, expired or ended',
      'authorization',
    );
  return { username: user.username, role: user.role, areas: user.areas };
}

/** End the session of a token (logging out). */
export async function logout(db: Database, token: string, now: number): Promise<void> {
  await repo.revokeSession(db, tokenHash(token), new Date(now));
}

/** What an operation touches: the pooling area it concerns, when it concerns one. */
export interface Target {
  /** The area whose data is read or written; null when the operation concerns no one area. */
  area: string | null;
  /** What the operation is about, as the audit log names it ('person/P1'). */
  subject: string;
  /** A second area the operation writes to (an enrolment in another area than the person's home). */
  also?: string;
}

/**
 * The one authorisation check, before any service is called: the role may call the operation
 * (PERMISSIONS), and the area concerned lies within one of the staff member's areas (or below it).
 * Refused with FORBIDDEN; the caller writes the refusal to the audit log.
 */
export async function authorise(db: Sql, staff: Staff, operation: Operation, target: Target): Promise<void> {
  if (!roleMay(staff.role, operation))
    throw new ServiceError('FORBIDDEN', `the role ${staff.role} may not ${operation}`, '');
  for (const area of [target.area, target.also]) {
    if (area === null || area === undefined || (await repo.areaWithin(db, area, staff.areas))) continue;
    throw new ServiceError(
      'FORBIDDEN',
      `${target.subject} is in pooling area ${area}, outside the areas of ${staff.username} (${staff.areas.join(', ')})`,
      '',
    );
  }
}
