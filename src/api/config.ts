import type { RateLimit } from './rate-limit.js';

/**
 * The server's one typed configuration, read from the environment and checked at start-up
 * (a bad value stops the start with a message naming the variable); tests build one with
 * `testApiConfig`.
 */
export interface ApiConfig {
  host: string;
  port: number;
  /** The largest request body accepted, in bytes. */
  bodyLimitBytes: number;
  /** Time allowed to receive a whole request (headers and body), ms. */
  requestTimeoutMs: number;
  /** Time allowed to answer a national-interface message, ms; then it is answered TIMEOUT. */
  handlerTimeoutMs: number;
  /** A signed request's timestamp must be within this many seconds of the server's clock. */
  signatureWindowS: number;
  /** Per institution. */
  rateLimit: RateLimit;
  /** National messages worked on at once; beyond it a message is refused at once (load-shed.ts). */
  maxInFlight: number;
  /** Nesting deeper than this in a message is refused. */
  maxJsonDepth: number;
  /** On SIGTERM, how long in-flight requests may take before the server stops anyway, ms. */
  shutdownTimeoutMs: number;
  logLevel: string;
}

export const DEFAULT_API_CONFIG: ApiConfig = {
  host: '127.0.0.1',
  port: 8080,
  bodyLimitBytes: 1024 * 1024,
  requestTimeoutMs: 30_000,
  handlerTimeoutMs: 20_000,
  signatureWindowS: 300,
  rateLimit: { perSecond: 50, burst: 100 },
  maxInFlight: 16,
  maxJsonDepth: 32,
  shutdownTimeoutMs: 30_000,
  logLevel: 'info',
};

/** A configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${text}"`);
  return n;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * The configuration from the environment: TONGCHOU_HOST, TONGCHOU_PORT, TONGCHOU_BODY_LIMIT
 * (bytes), TONGCHOU_REQUEST_TIMEOUT_MS, TONGCHOU_HANDLER_TIMEOUT_MS, TONGCHOU_SIGNATURE_WINDOW
 * (s), TONGCHOU_RATE_LIMIT (requests a second per institution; the burst is twice that),
 * TONGCHOU_MAX_IN_FLIGHT (national messages at once), TONGCHOU_SHUTDOWN_TIMEOUT_MS, TONGCHOU_LOG_LEVEL; `overrides` (command-line options) win.
 */
export function apiConfigFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<ApiConfig> = {},
): ApiConfig {
  const d = DEFAULT_API_CONFIG;
  const rate = whole(env, 'TONGCHOU_RATE_LIMIT', d.rateLimit.perSecond, 1, 100_000);
  const logLevel = env.TONGCHOU_LOG_LEVEL?.trim() || d.logLevel;
  if (!LEVELS.includes(logLevel))
    throw new ConfigError(`TONGCHOU_LOG_LEVEL must be one of ${LEVELS.join(', ')}, not "${logLevel}"`);
  return {
    host: env.TONGCHOU_HOST?.trim() || d.host,
    port: whole(env, 'TONGCHOU_PORT', d.port, 0, 65_535),
    bodyLimitBytes: whole(env, 'TONGCHOU_BODY_LIMIT', d.bodyLimitBytes, 1024, 100 * 1024 * 1024),
    requestTimeoutMs: whole(env, 'TONGCHOU_REQUEST_TIMEOUT_MS', d.requestTimeoutMs, 1000, 600_000),
    handlerTimeoutMs: whole(env, 'TONGCHOU_HANDLER_TIMEOUT_MS', d.handlerTimeoutMs, 100, 600_000),
    signatureWindowS: whole(env, 'TONGCHOU_SIGNATURE_WINDOW', d.signatureWindowS, 10, 3600),
    rateLimit: { perSecond: rate, burst: rate * 2 },
    maxInFlight: whole(env, 'TONGCHOU_MAX_IN_FLIGHT', d.maxInFlight, 1, 100_000),
    maxJsonDepth: d.maxJsonDepth,
    shutdownTimeoutMs: whole(env, 'TONGCHOU_SHUTDOWN_TIMEOUT_MS', d.shutdownTimeoutMs, 0, 600_000),
    logLevel,
    ...overrides,
  };
}

/** A configuration for tests: the defaults, an ephemeral port on the loopback, quiet logs. */
export function testApiConfig(overrides: Partial<ApiConfig> = {}): ApiConfig {
  return { ...DEFAULT_API_CONFIG, port: 0, logLevel: 'silent', ...overrides };
}
