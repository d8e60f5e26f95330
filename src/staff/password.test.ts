import { describe, expect, it } from 'vitest';
import { dummyHash, generatePassword, hashPassword, verifyPassword } from './password.js';

describe('staff passwords (scrypt)', () => {
  it('verifies the password it hashed and nothing else', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{88}$/);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterx', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash, so one password gives two different hashes', async () => {
    expect(await hashPassword('same password here')).not.toBe(await hashPassword('same password here'));
  });

  it('matches nothing against a malformed hash or the dummy of an unknown user', async () => {
    for (const bad of ['', 'scrypt$', 'bcrypt$1$2$3$4$5', 'scrypt$16384$8$1$c2FsdA==$'])
      expect(await verifyPassword('anything at all', bad)).toBe(false);
    expect(await verifyPassword('anything at all', await dummyHash())).toBe(false);
  });

  it('generates 24-character passwords', () => {
    expect(generatePassword()).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });
});
