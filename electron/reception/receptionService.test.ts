// Real sockets on loopback only (../shared/docs/lab.md): the service, its worker and the contract end to end.
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GapscopeApi, StreamUpdate } from '../../shared/contract';
import { GapscopeError } from '../../shared/errors';
import { createBackend } from '../app/createBackend';
import type { Backend } from '../kernel/backend';
import { builtWorkerPath, freeUdpPort } from '../testing/builtWorker';
import { inProcessApi } from '../kernel/inProcessApi';

let backend: Backend | null = null;
const sockets: Socket[] = [];

async function connect(): Promise<GapscopeApi> {
  backend = await createBackend({ mode: 'web', dataDir: mkdtempSync(join(tmpdir(), 'gs-svc-')), workerPath: builtWorkerPath() });
  const b = backend;
  return inProcessApi(b);
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await backend?.close();
  backend = null;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends `count` datagrams of `size` bytes at about 1 per ms. */
async function send(port: number, count: number, size = 100): Promise<void> {
  const s = createSocket('udp4');
  sockets.push(s);
  const buf = Buffer.alloc(size, 7);
  for (let i = 0; i < count; i += 5) {
    for (let k = 0; k < 5 && i + k < count; k++) s.send(buf, port, '127.0.0.1');
    await sleep(5);
  }
}

describe('ReceptionService on loopback', () => {
  it('measures a stream with a pause as one gap, pushes display-rate updates, and keeps the data after stop', async () => {
    const api = await connect();
    const port = await freeUdpPort();
    const updates: StreamUpdate[] = [];
    api.on('streamUpdate', (u) => updates.push(u));
    const info = await api.startStream({ port, address: '127.0.0.1', gapMs: 100, binMs: 50 });
    expect(info).toMatchObject({ status: 'listening', kind: 'unicast', family: 'ipv4', bound: `127.0.0.1:${port}` });
    expect(info.recvBufferGranted).toBeGreaterThan(0);
    await send(port, 200);
    await sleep(400);
    await send(port, 100);
    await sleep(150);
    const stopped = await api.stopStream(info.id);
    expect(stopped.status).toBe('stopped');
    const { snapshot } = await api.getStreamState(info.id);
    expect(snapshot.totals.packets).toBe(300);
    expect(snapshot.totals.bytes).toBe(30_000);
    expect(snapshot.gaps).toHaveLength(1);
    expect(snapshot.gaps[0]!.packetsBefore).toBe(200);
    expect(snapshot.gaps[0]!.durationMs).toBeGreaterThan(350);
    // Aggregated at display rate: about 10 per second, never one per packet.
    expect(updates.length).toBeGreaterThan(5);
    expect(updates.length).toBeLessThan(60);
    expect(updates.flatMap((u) => u.delta.newGaps)).toHaveLength(1);
  });

  it('reports a port taken by a program that does not share it, and other streams keep going', async () => {
    const api = await connect();
    const busyPort = await freeUdpPort();
    const hog = createSocket({ type: 'udp4', reuseAddr: false });
    sockets.push(hog);
    await new Promise<void>((r) => hog.bind(busyPort, '127.0.0.1', () => r()));
    const goodPort = await freeUdpPort();
    const good = await api.startStream({ port: goodPort, address: '127.0.0.1' });
    const failure = await api.startStream({ port: busyPort, address: '127.0.0.1' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(GapscopeError);
    expect(failure).toMatchObject({ code: 'port-in-use', message: `127.0.0.1:${busyPort} is already in use by a program that does not share it (SO_REUSEADDR). Stop it or choose another port.` });
    await send(goodPort, 20);
    await sleep(150);
    const { snapshot } = await api.getStreamState(good.id);
    expect(snapshot.totals.packets).toBe(20);
    expect((await api.listStreams()).map((s) => s.id)).toEqual([good.id]);
  });

  it('rejects invalid arguments at the door with the field named', async () => {
    const api = await connect();
    await expect(api.startStream({ port: 70000 })).rejects.toMatchObject({ code: 'invalid-argument', message: 'Invalid arguments for startStream: port: port must be 1–65535' });
    await expect(api.startStream({ port: 4000, address: '239.1.1.1', iface: 'no-such-if0' })).rejects.toMatchObject({ code: 'no-such-interface' });
    await expect(api.stopStream('nope')).rejects.toMatchObject({ code: 'not-found' });
  });
});
