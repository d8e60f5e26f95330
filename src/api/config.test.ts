import { describe, expect, it } from 'vitest';
import { apiConfigFromEnv, ConfigError, DEFAULT_API_CONFIG } from './config.js';

describe(apiConfigFromEnv.name, () => {
  it('takes the defaults, then the environment, then the command line', () => {
    expect(apiConfigFromEnv({})).toEqual(DEFAULT_API_CONFIG);
    const c = apiConfigFromEnv(
      {
        TONGCHOU_PORT: '9000',
        TONGCHOU_RATE_LIMIT: '5',
        TONGCHOU_BODY_LIMIT: '65536',
        TONGCHOU_LOG_LEVEL: 'warn',
      },
      { port: 9100 },
    );
    expect(c).toMatchObject({
      port: 9100,
      rateLimit: { perSecond: 5, burst: 10 },
      bodyLimitBytes: 65536,
      logLevel: 'warn',
    });
  });

  it.each([
    [{ TONGCHOU_PORT: '70000' }, /TONGCHOU_PORT must be a whole number from 0 to 65535, not "70000"/],
    [{ TONGCHOU_SIGNATURE_WINDOW: '1.5' }, /TONGCHOU_SIGNATURE_WINDOW must be a whole number/],
    [{ TONGCHOU_BODY_LIMIT: '10' }, /TONGCHOU_BODY_LIMIT must be a whole number from 1024/],
    [{ TONGCHOU_LOG_LEVEL: 'loud' }, /TONGCHOU_LOG_LEVEL must be one of/],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => apiConfigFromEnv(env)).toThrow(ConfigError);
    expect(() => apiConfigFromEnv(env)).toThrow(message);
  });
});
