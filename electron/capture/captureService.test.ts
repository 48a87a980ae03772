// Import and compare through the contract, on the tshark-made fixtures (fixtures/SOURCES.md) and on
// copies written with the shared pcapng writer: no mocks, the real back end and its dispatcher.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName, EventPayload, GapscopeApi } from '../../shared/contract';
import type { ImportProgress } from '../../shared/contract/capture';
import { copyCaptureWithout } from '../../shared/capture/testing/captureCopy';
import { addressBytes, enhancedPacketBlock, interfaceDescriptionBlock, rawUdpPacket, sectionHeaderBlock } from '../../shared/pcapng/write';
import type { Backend } from '../kernel/backend';
import { createBackend } from '../app/createBackend';
import { analyzeCapture } from './analyzeCapture';
import { inProcessApi } from '../kernel/inProcessApi';

const DIR = join(__dirname, 'fixtures');
const ETH = join(DIR, 'eth.pcapng');

let backend: Backend | null = null;
const dirs: string[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'gs-capsvc-'));
  dirs.push(d);
  return d;
}

async function connect(): Promise<{ api: GapscopeApi; events: { name: EventName; payload: unknown }[] }> {
  backend = await createBackend({ mode: 'web', dataDir: tempDir() });
  const b = backend;
  const events: { name: EventName; payload: unknown }[] = [];
  b.onEvent((name, payload) => events.push({ name, payload }));
  return { api: inProcessApi(b), events };
}

function progressOf(events: { name: EventName; payload: unknown }[]): ImportProgress[] {
  return events.filter((e) => e.name === 'importProgress').map((e) => e.payload as EventPayload<'importProgress'>);
}

afterEach(async () => {
  await backend?.close();
  backend = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Rewrites a capture's datagrams as a raw-IP pcapng, leaving out those `drop` picks; returns the dropped count per flow. */
async function copyWithout(from: string, to: string, drop: (flowId: string, index: number) => boolean, dstOf?: (flowId: string) => { address: string; port: number } | null): Promise<Map<string, number>> {
  const copy = copyCaptureWithout(new Uint8Array(await readFile(from)), { drop, dstOf, appName: 'captureService.test' });
  writeFileSync(to, copy.bytes);
  return copy.dropped;
}

/** A valid pcapng of `count` datagrams of `size` bytes, 1 ms apart. */
function bigCapture(path: string, count: number, size: number): void {
  const src = { address: addressBytes('10.1.0.1')!, port: 4000 };
  const dst = { address: addressBytes('10.1.0.2')!, port: 5000 };
  const payload = new Uint8Array(size);
  const parts: Uint8Array[] = [sectionHeaderBlock({}), interfaceDescriptionBlock({ name: 'big', tsresol: 6 })];
  const t0 = Date.UTC(2026, 0, 1);
  for (let i = 0; i < count; i++) parts.push(enhancedPacketBlock(0, t0 + i, 6, rawUdpPacket(src, dst, payload)));
  writeFileSync(path, Buffer.concat(parts));
}

describe('capture service', { timeout: 30_000 }, () => {
  it('lists the flows of a fixture, with progress that ends at the file size', async () => {
    const { api, events } = await connect();
    const list = await api.listCaptureFlows(ETH);
    const ids = list.flows.map((f) => f.id);
    expect(ids).toHaveLength(2);
    expect(list.flows.map((f) => f.dstPort).sort()).toEqual([5000, 5001]);
    expect(list.capture.fileBytes).toBe(statSync(ETH).size);
    expect(list.capture.format).toBe('pcapng');
    const p = progressOf(events);
    expect(p[0]).toMatchObject({ operation: 'list', phase: 'reading', path: ETH });
    expect(p.at(-1)).toMatchObject({ operation: 'list', phase: 'done', bytesRead: statSync(ETH).size, totalBytes: statSync(ETH).size });
  });

  it('imports one flow as a stopped stream with the same packets and gaps as gapscope analyze, and posts it on the timeline', async () => {
    const { api, events } = await connect();
    const { flows } = await api.listCaptureFlows(ETH);
    const flow = flows.find((f) => f.dstPort === 5000)!;
    const info = await api.importCapture(ETH, { flow: flow.id, gapMs: 100, decode: 'auto', binMs: 50 });
    expect(info.status).toBe('stopped');
    expect(info.config).toMatchObject({ port: 5000, address: flow.dstAddress, binMs: 50 });
    expect(info.config.label).toContain(flow.id);

    const expected = await analyzeCapture(ETH, { flow: flow.id, gapMs: 100, binMs: 50 });
    const state = await api.getStreamState(info.id);
    expect(state.snapshot.totals.packets).toBe(expected.packets);
    expect(state.snapshot.totals.packets).toBe(flow.packets);
    expect(state.snapshot.totals.bytes).toBe(expected.bytes);
    expect(state.snapshot.gaps.length).toBe(expected.gapCount);
    expect(expected.gapCount).toBeGreaterThan(0);
    state.snapshot.gaps.forEach((g, i) => expect(g.startMs).toBeCloseTo(expected.gaps[i]!.startMs, 2));
    expect(state.snapshot.loss?.lost).toBe(expected.loss?.lost);
    expect(state.snapshot.bins.binMs).toBe(50);
    // Stream times count from the capture's first frame, as the report's.
    expect(Math.abs(info.startedAt - Date.parse(expected.startedAt))).toBeLessThan(1);

    expect((await api.listStreams()).map((s) => s.id)).toContain(info.id);
    expect(events.some((e) => e.name === 'streamStatus' && (e.payload as { id: string }).id === info.id)).toBe(true);
    const posted = (await api.listTimelineEvents()).find((e) => e.kind === 'capture-imported');
    expect(posted?.summary).toContain(`${expected.packets} packets`);
    expect(posted?.detail).toMatchObject({ streamId: info.id, file: ETH });
  });

  it('imports a gzip-compressed capture by port alone', async () => {
    const { api } = await connect();
    const info = await api.importCapture(join(DIR, 'eth.pcapng.gz'), { port: 5001 });
    const expected = await analyzeCapture(join(DIR, 'eth.pcapng.gz'), { port: 5001 });
    expect(info.family).toBe('ipv6');
    expect((await api.getStreamState(info.id)).snapshot.totals.packets).toBe(expected.packets);
  });

  it('says which flows there are when the choice is ambiguous or matches none', async () => {
    const { api } = await connect();
    await expect(api.importCapture(ETH)).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/2 UDP flows/) });
    await expect(api.importCapture(ETH, { port: 9 })).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/No UDP flow to port 9/) });
    expect(await api.listStreams()).toEqual([]);
  });

  it('refuses bad paths and damaged files with one sentence, and keeps working', async () => {
    const { api } = await connect();
    await expect(api.listCaptureFlows('fixtures/eth.pcapng')).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/absolute path/) });
    await expect(api.listCaptureFlows('/no/such/file.pcapng')).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/No such file/) });
    await expect(api.listCaptureFlows(DIR)).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/is a folder/) });
    const dir = tempDir();
    const empty = join(dir, 'empty.pcapng');
    writeFileSync(empty, '');
    await expect(api.listCaptureFlows(empty)).rejects.toMatchObject({ message: expect.stringMatching(/empty/) });
    const text = join(dir, 'notes.pcapng');
    writeFileSync(text, 'these are not packets\n'.repeat(10));
    const notCapture = await api.listCaptureFlows(text).then(
      () => null,
      (e: Error) => e.message,
    );
    expect(notCapture).toMatch(/pcap/i);
    expect(notCapture).not.toMatch(/\n/);

    // A copy cut in the middle of a block reads up to the cut, as tshark does, and says so.
    const cut = join(dir, 'cut.pcapng');
    copyFileSync(ETH, cut);
    truncateSync(cut, Math.floor(statSync(ETH).size / 2) + 3);
    const cutList = await api.listCaptureFlows(cut);
    expect(cutList.capture.warnings.map((w) => w.kind)).toEqual(['truncated-end']);
    const cutInfo = await api.importCapture(cut, { port: 5000 });
    const cutExpected = await analyzeCapture(cut, { port: 5000 });
    expect((await api.getStreamState(cutInfo.id)).snapshot.totals.packets).toBe(cutExpected.packets);
    expect((await api.listTimelineEvents()).find((e) => e.kind === 'capture-imported')).toMatchObject({ severity: 'warning', summary: expect.stringMatching(/ends in the middle of a block/) });
    // Cut inside its first block: no datagrams, and importing says so.
    const head = join(dir, 'head.pcapng');
    copyFileSync(ETH, head);
    truncateSync(head, 20);
    expect((await api.listCaptureFlows(head)).flows).toEqual([]);
    await expect(api.importCapture(head)).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/No UDP datagrams in head.pcapng \(0 frames/) });
    // A block length overwritten with nonsense: the reader names the place.
    const bad = join(dir, 'bad.pcapng');
    const bytes = readFileSync(ETH);
    const third = bytes.readUInt32LE(4) + bytes.readUInt32LE(bytes.readUInt32LE(4) + 4); // after the section header and the first interface
    bytes.writeUInt32LE(0x7fffffff, third + 4);
    writeFileSync(bad, bytes);
    const damaged = await api.importCapture(bad, { port: 5000 }).then(
      () => null,
      (e: { code: string; message: string }) => e,
    );
    expect(damaged?.code).toBe('invalid-argument');
    expect(damaged?.message).toMatch(/impossible length .* byte offset/);
    expect(damaged?.message).not.toMatch(/\n|Internal error/);
    expect((await api.listStreams()).map((s) => s.id)).toEqual([cutInfo.id]);
    // Still working.
    expect((await api.listCaptureFlows(ETH)).flows).toHaveLength(2);
  });

  it('compares a fixture with a copy missing some packets: the missing ones, per side', async () => {
    const { api, events } = await connect();
    const { flows } = await api.listCaptureFlows(ETH);
    const flow = flows.find((f) => f.dstPort === 5000)!;
    const copy = join(tempDir(), 'copy.pcapng');
    // Every 10th datagram of the :5000 flow from the 20th to the 200th: 19 missing.
    const dropped = await copyWithout(ETH, copy, (id, i) => id === flow.id && i >= 20 && i <= 200 && i % 10 === 0);
    expect(dropped.get(flow.id)).toBe(19);
    const report = await api.compareCaptures(ETH, copy, { flow: flow.id, binMs: 100 });
    expect(report.flows).toEqual({ a: flow.id, b: flow.id });
    expect(report.a.packets).toBe(flow.packets);
    expect(report.b.packets).toBe(flow.packets - 19);
    expect(report.missingInB.count).toBe(19);
    expect(report.missingInB.packets).toHaveLength(19);
    expect(report.missingInA.count).toBe(0);
    expect(report.matched).toBe(flow.packets - 19);
    // Same times on both sides: no delay.
    expect(Math.abs(report.delayMs.max!)).toBeLessThan(0.01);
    expect(report.bins.reduce((s, b) => s + b.missingInB, 0)).toBe(19);
    expect(report.bins.reduce((s, b) => s + b.diffBytes, 0)).toBe(report.missingInB.bytes);

    const p = progressOf(events).filter((x) => x.operation === 'compare');
    const total = statSync(ETH).size + statSync(copy).size;
    expect(p.at(-1)).toMatchObject({ phase: 'done', bytesRead: total, totalBytes: total });
    for (let i = 1; i < p.length; i++) expect(p[i]!.bytesRead).toBeGreaterThanOrEqual(p[i - 1]!.bytesRead);
  });

  it('compares flows that differ between the two files (e.g. behind NAT), each side its own choice', async () => {
    const { api } = await connect();
    const { flows } = await api.listCaptureFlows(ETH);
    const flow = flows.find((f) => f.dstPort === 5000)!;
    const copy = join(tempDir(), 'natted.pcapng');
    const dropped = await copyWithout(ETH, copy, (id, i) => id === flow.id && i % 50 === 7, (id) => (id === flow.id ? { address: '192.0.2.9', port: 6000 } : null));
    const natted = (await api.listCaptureFlows(copy)).flows.find((f) => f.dstPort === 6000)!;
    expect(natted.id).toBe(`${flow.srcAddress}:${flow.srcPort} > 192.0.2.9:6000`);
    // One selector for both finds nothing in B.
    await expect(api.compareCaptures(ETH, copy, { flow: flow.id })).rejects.toMatchObject({ code: 'not-found' });
    const report = await api.compareCaptures(ETH, copy, { flow: flow.id, flowB: natted.id });
    expect(report.flows).toEqual({ a: flow.id, b: natted.id });
    expect(report.missingInB.count).toBe(dropped.get(flow.id));
    expect(report.missingInA.count).toBe(0);
    expect(report.matchedBy).toBe('sequence');
    // The same numbers as the one-selector compare of an un-NATted copy with the same packets missing.
    const plain = join(tempDir(), 'plain.pcapng');
    await copyWithout(ETH, plain, (id, i) => id === flow.id && i % 50 === 7);
    const same = await api.compareCaptures(ETH, plain, { flow: flow.id });
    expect({ ...report, flows: null, b: { ...report.b, label: '' } }).toEqual({ ...same, flows: null, b: { ...same.b, label: '' } });
    await expect(api.compareCaptures(ETH, copy, { flowB: natted.id })).rejects.toMatchObject({ message: expect.stringMatching(/2 UDP flows in eth.pcapng/) });
  });

  it('cancels a reading: the request fails with "cancelled" and progress says so', async () => {
    const { api, events } = await connect();
    const big = join(tempDir(), 'big.pcapng');
    bigCapture(big, 40_000, 200);
    expect(statSync(big).size).toBeGreaterThan(4 * 1024 * 1024);
    // Cancel as soon as the reading announces itself, before its first chunk.
    const b = backend!;
    const stop = b.onEvent((name, payload) => {
      if (name === 'importProgress' && (payload as ImportProgress).phase === 'reading') void b.service.cancelImport();
    });
    await expect(api.importCapture(big, { port: 5000 })).rejects.toMatchObject({ message: expect.stringMatching(/cancelled/) });
    stop();
    expect(progressOf(events).at(-1)).toMatchObject({ operation: 'import', phase: 'cancelled' });
    expect(await api.listStreams()).toEqual([]);
    expect(await api.cancelImport()).toBe(0);
    // The same file imports when not cancelled, and its progress comes at most ~5 times a second.
    const started = Date.now();
    const info = await api.importCapture(big, { port: 5000 });
    const tookMs = Date.now() - started;
    expect((await api.getStreamState(info.id)).snapshot.totals.packets).toBe(40_000);
    const imports = progressOf(events).filter((x) => x.operation === 'import' && x.phase === 'reading');
    expect(imports.length - 2).toBeLessThanOrEqual(Math.ceil(tookMs / 200));
  });

  it('validates options at the door', async () => {
    const { api } = await connect();
    await expect(api.importCapture(ETH, { flow: 'nonsense' })).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/SRC>DST/) });
    await expect(api.importCapture(ETH, { port: 5000, decode: 'klingon' })).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/not a known format/) });
    await expect(api.compareCaptures(ETH, 'relative.pcap')).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/absolute path/) });
    expect(readFileSync(ETH).byteLength).toBeGreaterThan(0);
  });

  it('refuses network paths, devices and system folders at the door, naming the field', async () => {
    const { api } = await connect();
    for (const path of ['//server/share/run.pcapng', '\\\\server\\share\\run.pcapng']) {
      await expect(api.listCaptureFlows(path)).rejects.toMatchObject({ code: 'invalid-argument', field: 'path', message: expect.stringMatching(/not a network path/) });
    }
    for (const path of ['/dev/zero', '/proc/self/mem', '/sys/kernel', 'C:\\Users\\me\\NUL.pcapng']) {
      await expect(api.analyzeCapture(path)).rejects.toMatchObject({ code: 'invalid-argument', field: 'path', message: expect.stringMatching(/device or a system folder/) });
    }
    await expect(api.compareCaptures(ETH, '/dev/zero')).rejects.toMatchObject({ field: 'otherPath', message: expect.stringMatching(/^The second capture file must not be a device/) });
    await expect(api.saveCaptureRange(ETH, null, '/dev/null')).rejects.toMatchObject({ field: 'output' });
  });

  it('a refusal about the file or the flow names that field; a file that is not a capture is not quoted back', async () => {
    const { api } = await connect();
    await expect(api.analyzeCapture(ETH)).rejects.toMatchObject({ code: 'invalid-argument', field: 'flow', message: '2 UDP flows in eth.pcapng; choose one with --flow SRC>DST (or --port).' });
    await expect(api.importCapture(ETH)).rejects.toMatchObject({ code: 'invalid-argument', field: 'flow' });
    await expect(api.compareCaptures(ETH, ETH)).rejects.toMatchObject({ code: 'invalid-argument', field: 'flow' });
    const dir = tempDir();
    const secret = join(dir, 'secret.txt');
    writeFileSync(secret, 'password=hunter2\n');
    const refused = await api.analyzeCapture(secret).then(
      () => null,
      (e: { code: string; message: string; field?: string }) => e,
    );
    expect(refused).toMatchObject({ code: 'invalid-argument', field: 'path' });
    expect(refused!.message).toBe(`${secret} is not a pcap or pcapng capture: Gapscope reads Wireshark's .pcapng and tcpdump's .pcap, gzip-compressed or not.`);
    const notJson = join(dir, 'secret.json');
    writeFileSync(notJson, 'password=hunter2\n');
    const refusedJson = await api.readReport(notJson).then(
      () => null,
      (e: { message: string }) => e.message,
    );
    expect(refusedJson).toBe('secret.json is not a Gapscope report: it is not valid JSON.');
  });

  it('analyzeCapture gives the library\'s report and shows nothing in Reception; readReport reads a capture or a saved report', async () => {
    const { api, events } = await connect();
    const report = await api.analyzeCapture(ETH, { port: 5000, gapMs: 100 });
    expect(report).toEqual(JSON.parse(JSON.stringify(await analyzeCapture(ETH, { port: 5000, gapMs: 100, decode: 'auto', binMs: 100 }))));
    expect(await api.listStreams()).toEqual([]);
    expect(progressOf(events).filter((p) => p.operation === 'analyze').at(-1)).toMatchObject({ phase: 'done', bytesRead: statSync(ETH).size });
    expect(await api.readReport(ETH, { port: 5000, gapMs: 100 })).toEqual(report);
    const saved = join(tempDir(), 'report');
    writeFileSync(saved, JSON.stringify(report)); // no .json: known by its first byte
    expect(await api.readReport(saved)).toMatchObject({ packets: report.packets, gapCount: report.gapCount });
  });

  it('saveCaptureRange writes a new pcapng only: an existing file stays byte for byte unless overwrite is asked', async () => {
    const { api } = await connect();
    const dir = tempDir();
    const out = join(dir, 'part.pcapng');
    const first = await api.saveCaptureRange(ETH, { fromS: 9.5, toS: 10.5 }, out);
    expect(first.file).toBe(out);
    expect(first.packets).toBeGreaterThan(0);
    expect(first.packets).toBeLessThan(first.seen);
    expect(first.bytes).toBe(statSync(out).size);
    const victim = join(dir, 'victim.pcapng');
    writeFileSync(victim, 'not mine');
    await expect(api.saveCaptureRange(ETH, null, victim)).rejects.toMatchObject({ code: 'invalid-argument', field: 'output', message: expect.stringMatching(/already exists/) });
    expect(readFileSync(victim, 'utf8')).toBe('not mine');
    const whole = await api.saveCaptureRange(ETH, null, victim, { overwrite: true });
    expect(whole.packets).toBe(whole.seen);
    expect(readFileSync(victim).subarray(0, 4).readUInt32BE(0)).toBe(0x0a0d0d0a);
    await expect(api.saveCaptureRange(ETH, null, join(dir, 'x.pcap'))).rejects.toMatchObject({ field: 'output', message: expect.stringMatching(/\.pcapng/) });
    await expect(api.saveCaptureRange(ETH, { fromS: 3, toS: 1 }, join(dir, 'y.pcapng'))).rejects.toMatchObject({ field: 'toS' });
    const folder = join(dir, 'folder.pcapng');
    mkdirSync(folder);
    await expect(api.saveCaptureRange(ETH, null, folder, { overwrite: true })).rejects.toMatchObject({ field: 'output', message: expect.stringMatching(/not a plain file/) });
    expect(readdirSync(dir).sort()).toEqual(['folder.pcapng', 'part.pcapng', 'victim.pcapng']);
    expect(readdirSync(folder)).toEqual([]);
  });
});
