// Real sockets on loopback only (../shared/docs/lab.md): the service, its worker and the contract end to end.
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GapscopeApi, StreamInfo, StreamUpdate } from '../../shared/contract';
import { StreamConfigSchema } from '../../shared/contract/reception';
import type { WifiLinkTiming } from '../../shared/network/wifiTiming';
import { listInterfaces } from '../network/interfaces';
import { GapscopeError } from '../../shared/errors';
import { createBackend } from '../app/createBackend';
import type { Backend } from '../kernel/backend';
import { builtWorkerPath, freeUdpPort } from '../testing/builtWorker';
import { inProcessApi } from '../kernel/inProcessApi';
import { waitUntil } from '../../lab/waitUntil';
import { createReceptionService, UPDATE_EVERY_MS } from './receptionService';

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

/**
 * Sends `count` datagrams of `size` bytes back to back: the stream has no silence of the test's
 * own making (a paced loop on a busy machine would pause for 100 ms and more between datagrams).
 */
async function send(port: number, count: number, size = 100): Promise<void> {
  const s = createSocket('udp4');
  sockets.push(s);
  const buf = Buffer.alloc(size, 7);
  await Promise.all(Array.from({ length: count }, () => new Promise<void>((ok, fail) => s.send(buf, port, '127.0.0.1', (e) => (e ? fail(e) : ok())))));
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
    const t0 = performance.now();
    const packets = async () => (await api.getStreamState(info.id)).snapshot.totals.packets;
    await send(port, 200);
    await waitUntil(async () => (await packets()) >= 200, 'the first 200 datagrams', 30_000);
    // The pause is the stimulus: the stream's one silence, 400 ms or longer.
    await sleep(400);
    await send(port, 100);
    await waitUntil(async () => (await packets()) >= 300, 'all 300 datagrams', 30_000);
    const stopped = await api.stopStream(info.id);
    const elapsedMs = performance.now() - t0;
    expect(stopped.status).toBe('stopped');
    const { snapshot } = await api.getStreamState(info.id);
    expect(snapshot.totals.packets).toBe(300);
    expect(snapshot.totals.bytes).toBe(30_000);
    // The pause is the one gap of unknown cause, after 200 datagrams. A busy machine can hold the
    // receiver back for more than 100 ms; such a gap is the receiver's own (local-stall), not the network's.
    const unexplained = snapshot.gaps.filter((g) => g.cause === 'unexplained');
    expect(unexplained).toHaveLength(1);
    const pause = unexplained[0]!;
    const before = snapshot.gaps.slice(0, snapshot.gaps.indexOf(pause) + 1).reduce((n, g) => n + g.packetsBefore, 0);
    expect(before).toBe(200);
    expect(pause.durationMs).toBeGreaterThan(350);
    // Aggregated at display rate (every 100 ms, later when the machine is busy), never one per packet.
    expect(updates.length).toBeGreaterThan(2);
    expect(updates.length).toBeLessThanOrEqual(Math.ceil(elapsedMs / UPDATE_EVERY_MS) + 2);
    expect(updates.flatMap((u) => u.delta.newGaps)).toHaveLength(snapshot.gaps.length);
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
    expect(failure).toMatchObject({ code: 'port-in-use', message: expect.stringContaining(`127.0.0.1:${busyPort} is already in use by “`) });
    await send(goodPort, 20);
    await expect.poll(async () => (await api.getStreamState(good.id)).snapshot.totals.packets, { timeout: 30_000 }).toBe(20);
    // The failed stream is listed with the same sentence (every window shows it), and can be removed.
    const listed = await api.listStreams();
    expect(listed.map((s) => s.status).sort()).toEqual(['error', 'listening']);
    const failed = listed.find((s) => s.status === 'error')!;
    expect(failed.error).toEqual({ code: 'port-in-use', message: (failure as GapscopeError).message });
    await expect(api.getStreamState(failed.id)).resolves.toMatchObject({ info: { status: 'error' }, snapshot: { totals: { packets: 0 } } });
    await api.removeStream(failed.id);
    expect((await api.listStreams()).map((s) => s.id)).toEqual([good.id]);
  });

  it('lists a stream on an address not on this machine with the reason, and removes it', async () => {
    const api = await connect();
    const statuses: { id: string; status: string; error: string | null }[] = [];
    api.on('streamStatus', (s) => statuses.push({ id: s.id, status: s.status, error: s.error?.message ?? null }));
    const removed: string[] = [];
    api.on('streamRemoved', (r) => removed.push(r.id));
    // 192.0.2.1 (TEST-NET-1) is on no interface here: the bind fails before any datagram could be sent.
    const failure = (await api.startStream({ port: await freeUdpPort(), address: '192.0.2.1' }).catch((e: unknown) => e)) as GapscopeError;
    expect(failure).toMatchObject({ code: 'address-not-available', message: '192.0.2.1 is not an address of this machine, so nothing can be received on it.' });
    const [listed] = await api.listStreams();
    expect(listed).toMatchObject({ status: 'error', error: { code: 'address-not-available', message: failure.message } });
    // Every status the windows heard says the same sentence (never "the receiver thread ended unexpectedly").
    await expect.poll(() => statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s.id === listed!.id && s.status === 'error' && s.error === failure.message)).toBe(true);
    await api.removeStream(listed!.id);
    expect(removed).toEqual([listed!.id]);
    expect(await api.listStreams()).toEqual([]);
    await expect(api.removeStream(listed!.id)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('refuses a second unicast stream on a port another stream listens on, naming it; the first keeps every datagram', async () => {
    const api = await connect();
    const port = await freeUdpPort();
    const first = await api.startStream({ port, address: '127.0.0.1', label: 'bench feed' });
    const refusal = api.startStream({ port, label: 'second' });
    await expect(refusal).rejects.toMatchObject({ code: 'port-in-use' });
    await expect(refusal).rejects.toThrow(`Port ${port} is already listened to by stream "bench feed" (127.0.0.1:${port}, unicast): a second socket on it would take some of that stream's datagrams. Stop or remove that stream first, or choose another port (streams joined to multicast groups may share a port).`);
    await expect(api.startStream({ port, address: '127.0.0.1' })).rejects.toMatchObject({ code: 'port-in-use' });
    await expect(api.startStream({ port, family: 'ipv6' })).rejects.toMatchObject({ code: 'port-in-use' }); // :: is dual-stack
    expect((await api.listStreams()).map((s) => s.id)).toEqual([first.id]);
    await send(port, 50);
    await expect.poll(async () => (await api.getStreamState(first.id)).snapshot.totals.packets, { timeout: 30_000 }).toBe(50);
    // Once the first has stopped, the port is free for another stream.
    await api.stopStream(first.id);
    const second = await api.startStream({ port, address: '127.0.0.1' });
    expect(second.status).toBe('listening');
  });

  it('rejects invalid arguments at the door with the field named', async () => {
    const api = await connect();
    await expect(api.startStream({ port: 70000 })).rejects.toMatchObject({ code: 'invalid-argument', message: 'Port must be 1–65535.', field: 'port' });
    await expect(api.startStream({ port: 4000, address: '239.1.1.1', iface: 'no-such-if0' })).rejects.toMatchObject({ code: 'no-such-interface' });
    await expect(api.stopStream('nope')).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('ReceptionService and the Wi-Fi link', () => {
  const reading = (powerSave: boolean): WifiLinkTiming => ({ iface: 'wlan0', source: 'iw link, iw get power_save', beaconIntervalTu: 100, dtimPeriod: 3, powerSave, note: null, readAt: Date.now() });

  it('reads the link while a stream listens, and keeps each change of power save on the stream\'s clock', async () => {
    const answers = [reading(true), reading(true), reading(false)];
    const asked: (string | null)[] = [];
    const statuses: StreamInfo[] = [];
    const svc = createReceptionService({ emit: (name, payload) => name === 'streamStatus' && statuses.push(payload as StreamInfo) }, {
      interfaces: listInterfaces,
      workerPath: builtWorkerPath(),
      wifiEveryMs: 20,
      wifiTiming: (iface) => {
        asked.push(iface);
        return Promise.resolve(answers[Math.min(asked.length - 1, answers.length - 1)]!);
      },
    });
    try {
      // A wildcard bind: the stream may arrive over the Wi-Fi (nothing is sent but to loopback).
      const info = await svc.streams.start(StreamConfigSchema.parse({ port: await freeUdpPort() }));
      await waitUntil(() => svc.streams.list()[0]?.wifi?.powerSave === false, 'power save read as off', 30_000);
      const wifi = svc.streams.list()[0]!.wifi!;
      expect(wifi).toMatchObject({ iface: 'wlan0', beaconIntervalTu: 100, dtimPeriod: 3 });
      expect(wifi.powerSaveChanges).toHaveLength(1);
      expect(wifi.powerSaveChanges![0]!.on).toBe(false);
      expect(wifi.powerSaveChanges![0]!.atMs).toBeGreaterThanOrEqual(0);
      // Every window hears the reading when it changes, not at every read.
      expect(statuses.filter((s) => s.id === info.id && s.wifi).map((s) => s.wifi!.powerSave)).toEqual([true, false]);
      expect(asked[0]).toBeNull();
      // Once stopped, the link is not read again (five read intervals later).
      await svc.streams.stop(info.id);
      const after = asked.length;
      await sleep(100);
      expect(asked.length).toBe(after);
    } finally {
      await svc.streams.closeAll();
    }
  });

  it('does not read it for a stream on loopback', async () => {
    let asked = 0;
    const svc = createReceptionService({ emit: () => {} }, { interfaces: listInterfaces, workerPath: builtWorkerPath(), wifiEveryMs: 20, wifiTiming: () => (asked++, Promise.resolve(reading(true))) });
    try {
      await svc.streams.start(StreamConfigSchema.parse({ port: await freeUdpPort(), address: '127.0.0.1' }));
      await sleep(200);
      expect(asked).toBe(0);
      expect(svc.streams.list()[0]!.wifi).toBeUndefined();
    } finally {
      await svc.streams.closeAll();
    }
  });
});
