import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { apiConfigFromEnv, ConfigError } from './config.js';
import { loadShed } from './load-shed.js';
import { NATIONAL_PATH } from './national/route.js';
import type { ServerContext } from './server-context.js';

/** A server whose national route answers when told to, behind a bound of 2 messages at once. */
async function slowServer() {
  const app = Fastify();
  const release: (() => void)[] = [];
  loadShed(app, { clock: () => Date.parse('2025-03-10T02:00:00Z') } as ServerContext, 2);
  app.post(NATIONAL_PATH, async () => {
    await new Promise<void>((resolve) => release.push(resolve));
    return { infcode: 0 };
  });
  app.get('/readyz', async () => ({ status: 'ready' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const post = () =>
    fetch(`http://127.0.0.1:${port}${NATIONAL_PATH}`, { method: 'POST', body: '{}' }).then(
      async (r) => (await r.json()) as Record<string, unknown>,
    );
  const get = () => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status);
  return { app, release, post, get };
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => close?.());

const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
};

describe('loadShed', () => {
  it('refuses a third message at once while two are in flight, and lets one in when one is answered', async () => {
    const s = await slowServer();
    close = () => s.app.close();
    const first = s.post();
    const second = s.post();
    await until(() => s.release.length === 2);
    const third = await s.post();
    expect(third).toMatchObject({
      infcode: -1,
      err_code: 'RATE_LIMITED',
      output: null,
      refmsg_time: '20250310100000000',
    });
    expect(third.err_msg).toMatch(/limit of 2 messages at once/);
    expect(await s.get()).toBe(200); // other routes are not counted
    s.release.shift()!();
    expect(await first).toEqual({ infcode: 0 });
    const fourth = s.post();
    await until(() => s.release.length === 2);
    for (const r of s.release.splice(0)) r();
    expect(await Promise.all([second, fourth])).toEqual([{ infcode: 0 }, { infcode: 0 }]);
  });

  it('reads TONGCHOU_MAX_IN_FLIGHT with the rest of the configuration, refusing a bad value', () => {
    expect(apiConfigFromEnv({}).maxInFlight).toBe(16);
    expect(apiConfigFromEnv({ TONGCHOU_MAX_IN_FLIGHT: '64' }).maxInFlight).toBe(64);
    expect(() => apiConfigFromEnv({ TONGCHOU_MAX_IN_FLIGHT: '0' })).toThrow(ConfigError);
    expect(() => apiConfigFromEnv({ TONGCHOU_MAX_IN_FLIGHT: 'many' })).toThrow(
      /TONGCHOU_MAX_IN_FLIGHT must be a whole number from 1 to 100000, not "many"/,
    );
  });
});
