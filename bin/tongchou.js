#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
try {
  await import('../dist/cli/main.js');
} catch (e) {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/cli/main.js')) {
    process.stderr.write(
      'tongchou: not built yet; run `npm ci` or `npm run build` in the repository first\n',
    );
    process.exit(2);
  }
  throw e;
}
