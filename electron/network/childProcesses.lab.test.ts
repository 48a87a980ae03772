// The OS tools the back end runs end with it, SIGKILL included (#12 item 7): the real back end
// (`gapscope serve`, and `gapscope net watch`) in a lab namespace, with its `ip monitor` and a Wi-Fi
// tool that hangs (a stand-in `iw` on PATH that sleeps), is killed with SIGKILL; then no process is
// left in the namespace. Everything in that namespace was started by this test, so "none left" is
// exactly "no child of ours outlived the back end", grandchildren re-parented to init included.
//
// Subnet 10.98.75.0/24. Needs root, iproute2 and `npm run build` (bin/gapscope.js runs out/).
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GAPSCOPE_BIN } from '../../lab/gapscope';
import { createLabPair, waitUntil, type LabPair } from '../../lab/netns';
import { REPO_DIR } from '../../lab/streams';
import { execFileSync } from 'node:child_process';

/** How long the children may take to end after the back end is killed. */
const DEADLINE_MS = 5000;

let lab: LabPair;
let dir: string;

beforeAll(async () => {
  lab = await createLabPair({ subnet: 75 });
  dir = mkdtempSync(join(tmpdir(), 'gschild-'));
  // A Wi-Fi tool that never answers: runCommand's 3 s limit ends it while the back end lives; after a SIGKILL only the watchdog can.
  writeFileSync(join(dir, 'iw'), '#!/bin/sh\nexec sleep 600\n');
  chmodSync(join(dir, 'iw'), 0o755);
}, 60_000);

afterAll(async () => {
  await lab?.teardown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every process in the inspector namespace, with its command line. */
function processesInNamespace(): { pid: number; cmdline: string }[] {
  const pids = execFileSync('ip', ['netns', 'pids', lab.inspector.ns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number);
  const list: { pid: number; cmdline: string }[] = [];
  for (const pid of pids) {
    try {
      list.push({ pid, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim() });
    } catch {
      /* ended while reading */
    }
  }
  return list;
}

async function killAndExpectNoneLeft(args: string[], ready: RegExp): Promise<void> {
  const backend = lab.inspector.spawn('node', [GAPSCOPE_BIN, '--data-dir', join(dir, `data-${args[0]}`), ...args], { cwd: REPO_DIR, env: { PATH: `${dir}:${process.env.PATH ?? ''}` } });
  await backend.waitForLine(ready, 30_000);
  // The children exist: the monitor, and the hung Wi-Fi tool under its watchdog.
  await waitUntil(() => {
    const cmds = processesInNamespace().map((p) => p.cmdline);
    return cmds.some((c) => / ip monitor link address route$/.test(c) || c.startsWith('ip monitor')) && cmds.some((c) => c === 'sleep 600');
  }, 'the back end to run ip monitor and the hung iw', 15_000).catch((e: Error) => {
    throw new Error(`${e.message}; running: ${JSON.stringify(processesInNamespace().map((p) => p.cmdline))}`);
  });
  const before = processesInNamespace();
  backend.kill('SIGKILL');
  await backend.exited;
  const t0 = Date.now();
  await waitUntil(() => processesInNamespace().length === 0, `no process left in the namespace after SIGKILL (before: ${JSON.stringify(before.map((p) => p.cmdline))}; now: ${JSON.stringify(processesInNamespace().map((p) => p.cmdline))})`, DEADLINE_MS);
  console.log(`${args[0]}: ${before.length} processes before the SIGKILL (${before.map((p) => p.cmdline.split(' ')[0]).join(', ')}); none left after ${Date.now() - t0} ms`);
  expect(processesInNamespace()).toEqual([]);
}

describe('children of a SIGKILLed back end', () => {
  it('gapscope serve: ip monitor and a hung tool end within 5 s', async () => {
    await killAndExpectNoneLeft(['serve', '--port', '0', '--json'], /"url"/);
  }, 60_000);

  it('gapscope net watch: the same', async () => {
    await killAndExpectNoneLeft(['net', 'watch', '--json', '--interval', '500'], /"type":"started"/);
  }, 60_000);
});
