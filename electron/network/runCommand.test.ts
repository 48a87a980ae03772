// runCommand and spawnTool with real local programs (sh, sleep, cat): exit codes, a missing tool,
// the time limit, and no process left behind when a tool is stopped.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCommand, spawnTool } from './runCommand';

/** Processes whose command line is exactly `cmdline` (arguments joined by spaces). */
function running(cmdline: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ').trim() === cmdline) pids.push(Number(d));
    } catch {
      /* ended */
    }
  }
  return pids;
}

async function until(check: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// No timing is under test: each wait is for a condition. A fresh-clone CI run timed out at vitest's
// default 5 s while scanning /proc on a loaded machine, so the file gets a runner limit of 60 s.
describe.runIf(process.platform === 'linux')('runCommand', { timeout: 60_000 }, () => {
  it('gives the output, the exit code, and stdin closed for the tool', async () => {
    expect(await runCommand('sh', ['-c', 'echo out; echo err >&2; exit 3'])).toMatchObject({ ok: false, missing: false, timedOut: false, code: 3, stdout: 'out\n', stderr: 'err\n' });
    expect(await runCommand('cat', [])).toMatchObject({ ok: true, code: 0, stdout: '' });
  });

  it('says when a tool is not installed', async () => {
    expect(await runCommand('no-such-tool-gapscope', ['x'])).toMatchObject({ ok: false, missing: true, stderr: '' });
  });

  it('stops a tool at its time limit and leaves nothing running', async () => {
    const arg = `7.${process.pid}`;
    const r = await runCommand('sleep', [arg], 300);
    expect(r).toMatchObject({ ok: false, timedOut: true, missing: false });
    await until(() => running(`sleep ${arg}`).length === 0, `sleep ${arg} to end`);
  });

  it('spawnTool: kill() ends the tool, not only the watchdog', async () => {
    const arg = `8.${process.pid}`;
    const child = spawnTool('sleep', [arg]);
    await until(() => running(`sleep ${arg}`).length === 1, `sleep ${arg} to start`);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill();
    await exited;
    await until(() => running(`sleep ${arg}`).length === 0, `sleep ${arg} to end`);
  });
});
