import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createInstitutionCredential } from '../api/auth/credentials.js';
import { NATIONAL_PATH } from '../api/national/route.js';
import type { Database } from '../db/index.js';
import { createStaff } from '../staff/service.js';
import { ROLES } from '../staff/roles.js';
import type { DemoInstitution } from './claims.js';
import { AREAS, CITY, institutionPlan } from './city.js';
import type { DemoPerson } from './population.js';

/**
 * What a client needs to talk to the demo city through the server: a credential for every demo
 * institution (issued through the credential service, like `tongchou institution credential
 * create`), a staff user for every role over the city, a sample of the enrolled persons with their
 * ID numbers, and where the server listens.
 * `tongchou demo --out FILE` writes it as JSON; the secrets are in it, so the file is made readable
 * by its owner only.
 */

export interface DemoCredential {
  code: string;
  name: string;
  level: string;
  area: string;
  keyId: string;
  secret: string;
}

export interface DemoStaffUser {
  username: string;
  password: string;
  role: string;
  areas: string[];
}

export interface DemoPersonSample {
  psnNo: string;
  certno: string;
  name: string;
  area: string;
  scheme: '310' | '390';
  personType: string;
}

export interface DemoAccess {
  institutions: DemoCredential[];
  staff: DemoStaffUser[];
  persons: DemoPersonSample[];
  server: { url: string; national: string; ready: string; note: string };
}

/** How many enrolled persons the access file lists. */
export const PERSON_SAMPLE = 20;

/** Where `tongchou serve` listens by default (TONGCHOU_HOST, TONGCHOU_PORT, --host, --port change it). */
const DEFAULT_URL = 'http://127.0.0.1:8080';

/** The names the demo gave its institutions: the same codes as setup.ts's createInstitutions. */
function institutionNames(): Map<string, string> {
  const names = new Map<string, string>();
  for (const area of AREAS) {
    for (const [i, plan] of institutionPlan(area).entries()) {
      names.set(`H${area.code}${String(i + 1).padStart(5, '0')}`, plan.name);
    }
  }
  return names;
}

/** One credential for every demo institution, in the order given. */
export async function issueDemoCredentials(
  db: Database,
  institutions: readonly DemoInstitution[],
): Promise<DemoCredential[]> {
  const names = institutionNames();
  const issued: DemoCredential[] = [];
  for (const inst of institutions) {
    const c = await createInstitutionCredential(db, inst.code);
    issued.push({
      code: inst.code,
      name: names.get(inst.code) ?? inst.code,
      level: inst.level,
      area: inst.areaCode,
      keyId: c.keyId,
      secret: c.secret,
    });
  }
  return issued;
}

/** One staff user per role over the whole city (its areas are under it), each with a random password. */
export async function createDemoStaff(db: Database): Promise<DemoStaffUser[]> {
  const users: DemoStaffUser[] = [];
  for (const role of ROLES) {
    const user = {
      username: `demo-${role.replace('_', '-')}`,
      password: randomBytes(12).toString('base64url'),
    };
    const created = await createStaff(db, { ...user, role, areas: [CITY.code] });
    users.push({ ...user, role: created.role, areas: created.areas });
  }
  return users;
}

/** `count` persons spread evenly over the population (so every type and area shows up). */
export function samplePersons(persons: readonly DemoPerson[], count = PERSON_SAMPLE): DemoPersonSample[] {
  const n = Math.min(count, persons.length);
  return Array.from({ length: n }, (_, i) => persons[Math.floor((i * persons.length) / n)]!).map((p) => ({
    psnNo: p.psnNo,
    certno: p.certno,
    name: p.name,
    area: p.areaCode,
    scheme: p.scheme,
    personType: p.personType,
  }));
}

export function demoAccess(
  issued: { institutions: DemoCredential[]; staff: DemoStaffUser[] },
  persons: readonly DemoPerson[],
  url = DEFAULT_URL,
): DemoAccess {
  return {
    institutions: issued.institutions,
    staff: issued.staff,
    persons: samplePersons(persons),
    server: {
      url,
      national: `${url}${NATIONAL_PATH}`,
      ready: `${url}/readyz`,
      note:
        'start it with `npx tongchou serve`; sign every national message with an institution keyId/secret ' +
        '(HMAC-SHA256, headers x-tc-institution, x-tc-timestamp, x-tc-nonce, x-tc-signature: docs/api.md), ' +
        'sign in with 9001, then 1101 / 2206 / 2207 / 2208; staff sign in to the REST API (/api/v1) with a username and password',
    },
  };
}

/** Write the access file (JSON, owner-only: it holds the secrets). */
export function writeDemoAccess(file: string, access: DemoAccess): void {
  writeFileSync(file, `${JSON.stringify(access, null, 2)}\n`, { mode: 0o600 });
}
