// Process measurement helpers for the benchmarks: wall time and peak RSS of a child process.
import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';

/** Peak resident set (VmHWM, a high-water mark) of a running process, in KiB, or 0. */
function peakRssKb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Run `node args…` with stdout to /dev/null; resolves { seconds, peakMb, code }. */
export function runNode(args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { stdio: ['ignore', openSync('/dev/null', 'w'), 'pipe'] });
    let peak = 0;
    let stderr = '';
    const poll = setInterval(() => (peak = Math.max(peak, peakRssKb(child.pid))), 10);
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({ seconds, peakMb: peak / 1024, code, stderr });
    });
  });
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function round(x, digits = 2) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
