import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addDemoCommand } from '../../src/cli/demo-command.js';
import { UsageError } from '../../src/cli/usage-error.js';

/** The demo command's options are checked before any database is opened. */
function program(): Command {
  const p = new Command('tongchou').exitOverride();
  addDemoCommand(p);
  return p;
}

describe('tongchou demo options', () => {
  it.each([
    [['--persons', '0'], /--persons must be a whole number from 1 to 1,000,000, not "0"/],
    [['--persons', '12.5'], /--persons must be a whole number/],
    [['--days', '366'], /--days must be a whole number from 1 to 365, not "366"/],
    [['--seed', '-1'], /--seed must be a whole number from 0 to 4,294,967,295/],
  ])('refuses %j', async (args, message) => {
    const run = program().parseAsync(['node', 'tongchou', 'demo', ...args]);
    await expect(run).rejects.toBeInstanceOf(UsageError);
    await expect(run).rejects.toThrow(message);
  });
});
