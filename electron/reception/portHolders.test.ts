// Real sockets on loopback only (../shared/docs/lab.md). Issue #13 item 10: a program under test
// that bound its unicast port with SO_REUSEADDR used to lose every datagram to a Gapscope stream
// on the same port (0 of 100). Now the stream is refused with the program's name and pid, and the
// program keeps all its datagrams.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackend } from '../app/createBackend';
import type { Backend } from '../kernel/backend';
import { inProcessApi } from '../kernel/inProcessApi';
import { builtWorkerPath, freeUdpPort } from '../testing/builtWorker';
import { nameHolders, udpPortHolders } from './portHolders';

// The "app under test": binds 127.0.0.1:PORT sharing it (SO_REUSEADDR), prints "bound", then one
// line with its count each time a datagram arrives.
const APP = `
const s = require('node:dgram').createSocket({ type: 'udp4', reuseAddr: true });
let n = 0;
s.on('message', () => process.stdout.write(++n + '\\n'));
s.bind(Number(process.argv[1]), '127.0.0.1', () => process.stdout.write('bound\\n'));
`;

let backend: Backend | null = null;
let app: ChildProcess | null = null;

afterEach(async () => {
  app?.kill('SIGKILL');
  app = null;
  await backend?.close();
  backend = null;
});

/** Starts the app on port; resolves when it is bound, with a function that waits for its count to reach n. */
async function startApp(port: number): Promise<{ pid: number; received: (n: number) => Promise<void> }> {
  const child = spawn(process.execPath, ['-e', APP, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  app = child;
  const lines = createInterface({ input: child.stdout! });
  let count = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  let bound!: () => void;
  const isBound = new Promise<void>((r) => (bound = r));
  lines.on('line', (l) => {
    if (l === 'bound') return bound();
    count = Number(l);
    for (const w of waiters.splice(0)) if (count >= w.n) w.resolve();
    else waiters.push(w);
  });
  await isBound;
  return { pid: child.pid!, received: (n) => (count >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))) };
}

describe.runIf(process.platform === 'linux')('a unicast port another program holds', () => {
  it('names the program that holds it, from /proc', async () => {
    const port = await freeUdpPort();
    const { pid } = await startApp(port);
    const holders = await udpPortHolders(port);
    expect(holders).toEqual([{ pid, name: 'node' }]);
    expect(nameHolders(holders)).toBe(`“node” (pid ${pid})`);
  });

  it('refuses the stream with the program’s name, and the program keeps every datagram', async () => {
    const port = await freeUdpPort();
    const target = await startApp(port);
    backend = await createBackend({ mode: 'web', dataDir: mkdtempSync(join(tmpdir(), 'gs-holder-')), workerPath: builtWorkerPath() });
    const api = inProcessApi(backend);
    const refusal = await api.startStream({ port, address: '127.0.0.1' }).catch((e: unknown) => e);
    expect(refusal).toMatchObject({ code: 'port-in-use' });
    expect((refusal as Error).message).toContain(`127.0.0.1:${port} is already in use by “node” (pid ${target.pid}). Gapscope does not share a unicast port`);
    expect((refusal as Error).message).toContain('gapscope listen --wire only');
    const sender = createSocket('udp4');
    try {
      for (let i = 0; i < 100; i++) sender.send(Buffer.alloc(64, i), port, '127.0.0.1');
      await target.received(100);
    } finally {
      sender.close();
    }
  });
});

describe('naming the holders', () => {
  it('lists up to three and counts the rest', () => {
    const h = (pid: number) => ({ pid, name: `p${pid}` });
    expect(nameHolders([h(1), h(2)])).toBe('“p1” (pid 1) and “p2” (pid 2)');
    expect(nameHolders([h(1), h(2), h(3), h(4), h(5)])).toBe('“p1” (pid 1), “p2” (pid 2), “p3” (pid 3) and 2 more');
  });
});
