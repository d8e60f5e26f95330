import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ServiceError } from '../../common/service-error.js';
import { chinaDateTime, messageTime } from './envelope.js';
import { parseField, text } from './fields.js';
import * as repo from './repository.js';
import type { Transaction } from './transaction.js';

/** 9001 sign-in (签到) and 9002 sign-out (签退). */

const signInInput = z.object({
  signIn: z.object({
    opter_no: text(30),
    mac: z.string({ error: 'must be a string' }).max(50).optional(),
    ip: z.string({ error: 'must be a string' }).max(50).optional(),
  }),
});

const signOutInput = z.object({
  signOut: z.object({ sign_no: text(30), opter_no: text(30) }),
});

export const signInTransaction: Transaction = {
  infno: '9001',
  name: '签到 sign-in',
  needsSignIn: false,
  async run(ctx) {
    const { signIn } = parseField(signInInput, ctx.envelope.input, 'input');
    // yyyyMMddHHmmss and 12 hex digits: 26 characters, sortable by time, not guessable.
    const signNo = `${messageTime(ctx.now).slice(0, 14)}${randomBytes(6).toString('hex')}`;
    const done = await repo.signIn(ctx.db, {
      signNo,
      institution: ctx.institution,
      msgid: ctx.envelope.msgid,
      opter: signIn.opter_no,
      atMs: ctx.now,
    });
    return { signinoutb: { sign_time: chinaDateTime(done.signedInAt), sign_no: done.signNo } };
  },
};

export const signOutTransaction: Transaction = {
  infno: '9002',
  name: '签退 sign-out',
  needsSignIn: false,
  async run(ctx) {
    const { signOut } = parseField(signOutInput, ctx.envelope.input, 'input');
    if (!(await repo.signOut(ctx.db, ctx.institution, signOut.sign_no, ctx.now))) {
      throw new ServiceError(
        'NOT_FOUND',
        `no open sign-in ${signOut.sign_no} of institution ${ctx.institution} (never signed in, or signed out already)`,
        'input.signOut.sign_no',
      );
    }
    return { signoutoutb: { sign_time: chinaDateTime(ctx.now) } };
  },
};
