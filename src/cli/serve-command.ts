import type { Command } from 'commander';
import { apiConfigFromEnv, ConfigError, type ApiConfig } from '../api/config.js';
import { buildServer } from '../api/server.js';
import { dbConfigFromEnv, describeDb, openMigrated } from '../db/index.js';
import { UsageError } from './usage-error.js';

function portNumber(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65_535)
    throw new UsageError(`--port must be a whole number from 0 to 65535, not "${text}"`);
  return n;
}

/** Resolve on the first SIGTERM or SIGINT; a second one ends the process at once. */
function firstSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      const again = () => {
        process.stderr.write('tongchou serve: stopping now, without waiting\n');
        process.exit(1);
      };
      process.once('SIGTERM', again);
      process.once('SIGINT', again);
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

function configFrom(opts: { port?: number; host?: string }): ApiConfig {
  try {
    return apiConfigFromEnv(process.env, {
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      ...(opts.host !== undefined ? { host: opts.host } : {}),
    });
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * Run the server until a signal: migrations first; on SIGTERM or SIGINT stop accepting, let the
 * requests in flight (and the work they started) finish, then close the database.
 */
async function serve(opts: { port?: number; host?: string }): Promise<void> {
  const config = configFrom(opts);
  const dbConfig = dbConfigFromEnv();
  const db = await openMigrated(dbConfig);
  const app = buildServer({ db, config });
  const stopping = firstSignal();
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    await db.close();
    throw new UsageError(`cannot listen on ${config.host}:${config.port}: ${(e as Error).message}`);
  }
  const { port } = app.server.address() as { port: number };
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  process.stderr.write(`tongchou serve: listening on http://${host}:${port} (${describeDb(dbConfig)})\n`);
  const signal = await stopping;
  process.stderr.write(`tongchou serve: ${signal}: finishing the requests in flight\n`);
  const deadline = setTimeout(() => {
    process.stderr.write(
      `tongchou serve: requests still running after ${config.shutdownTimeoutMs} ms; stopping\n`,
    );
    process.exit(1);
  }, config.shutdownTimeoutMs);
  deadline.unref();
  await app.close();
  await db.close();
  clearTimeout(deadline);
  process.stderr.write('tongchou serve: stopped\n');
}

/** `tongchou serve [--port P] [--host H]`. */
export function addServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'run the HTTP server (the national interface, /healthz, /readyz) on the configured database, ' +
        'migrated at start; SIGTERM or SIGINT stops it after the requests in flight',
    )
    .option('--port <p>', 'the TCP port (0: any free port; default TONGCHOU_PORT or 8080)', portNumber)
    .option('--host <h>', 'the address to listen on (default TONGCHOU_HOST or 127.0.0.1)')
    .action(serve);
}
