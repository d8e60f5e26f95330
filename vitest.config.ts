import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    // Opening PGlite and applying every migration can take well over vitest's 10 s default on two
    // busy cores; a hook that really hangs still fails, after two minutes.
    hookTimeout: 120_000,
  },
});
