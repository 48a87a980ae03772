// Recording real loopback streams through the contract (../shared/docs/lab.md: loopback only),
// checked with the real tshark and capinfos; the library's rename, annotate, open and delete;
// interrupted sessions; a full disk.
import { execFileSync, spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GapscopeApi } from '../../shared/contract';
import type { RecordingState, SessionRecord } from '../../shared/contract/sessions';
import { addressBytes, interfaceDescriptionBlock, sectionHeaderBlock } from '../../shared/pcapng/write';
import { PacketRecorder } from '../../shared/pcapng/writeStream';
import { createBackend } from '../app/createBackend';
import type { Backend } from '../kernel/backend';
import { builtWorkerPath, freeUdpPort } from '../testing/builtWorker';
import { RecordingFile } from '../reception/recordingFile';
import { inProcessApi } from '../kernel/inProcessApi';

let backend: Backend | null = null;
const sockets: Socket[] = [];
const dirs: string[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'gs-sess-'));
  dirs.push(d);
  return d;
}

async function connect(dataDir = tempDir()): Promise<GapscopeApi> {
  backend = await createBackend({ mode: 'web', dataDir, workerPath: builtWorkerPath() });
  const b = backend;
  return inProcessApi(b);
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await backend?.close();
  backend = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A silence on the wire that the test makes (the cause of a gap), not a wait for something to happen. */
const silence = sleep;

/** Sends count datagrams numbered from `from`, ~1 per ms, to 127.0.0.1:port. */
async function send(port: number, count: number, from = 0): Promise<void> {
  const s = createSocket('udp4');
  sockets.push(s);
  for (let i = 0; i < count; i += 5) {
    for (let k = 0; k < 5 && i + k < count; k++) {
      const b = Buffer.alloc(120, 0x5a);
      b.writeUInt32BE(from + i + k, 0);
      s.send(b, port, '127.0.0.1');
    }
    await sleep(5);
  }
}

/** Fields of the frames the filter keeps; by default the UDP ones (the streams: the timeline's frames are not UDP). */
function tshark(file: string, fields: string[], filter = 'udp'): string[][] {
  const out = execFileSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.trim() === '' ? [] : out.trim().split('\n').map((l) => l.split('\t'));
}

describe('recording through the sessions contract', { timeout: 30_000 }, () => {
  it('records a stream with a pause; tshark counts what Gapscope counted and shows the gap; the library renames, opens and deletes it', async () => {
    const api = await connect();
    const states: RecordingState[] = [];
    api.on('recordingState', (s) => states.push(s));
    const port = await freeUdpPort();
    const info = await api.startStream({ port, address: '127.0.0.1', gapMs: 150, label: 'lab stream' });
    const started = await api.startRecording();
    expect(started).toMatchObject({ recording: true, streams: [{ id: info.id, label: 'lab stream' }] });
    await send(port, 200);
    // The pause starts once the receiver has read the first 200, so it is a gap however late it reads.
    await expect.poll(async () => (await api.getStreamState(info.id)).snapshot.totals.packets).toBe(200);
    await silence(400);
    await send(port, 200, 200);
    await expect.poll(async () => (await api.getStreamState(info.id)).snapshot.totals.packets).toBe(400);
    // Progress reports come while it records (one a second).
    await expect.poll(() => states.some((s) => s.recording && s.streams[0]!.packets > 0), { timeout: 10_000 }).toBe(true);
    await api.stopStream(info.id);
    const stopped = await api.stopRecording();
    expect(stopped.recording).toBe(false);
    const snapshot = (await api.getStreamState(info.id)).snapshot;

    const [summary] = await api.listSessions();
    expect(summary).toMatchObject({ status: 'complete', packets: snapshot.totals.packets, gaps: snapshot.totals.gapCount, streams: [`lab stream: 127.0.0.1:${port} (unicast)`] });
    expect(snapshot.totals.gapCount).toBeGreaterThanOrEqual(1);
    const record = await api.getSession(summary!.id);
    const folder = await api.getSessionFolder();
    const capture = join(folder, summary!.id, 'capture.pcapng');
    const rows = tshark(capture, ['udp.srcport', 'udp.dstport', 'ip.dst', 'udp.length']);
    // Recording started before the first packet: the file holds every packet the report counts.
    expect(rows).toHaveLength(snapshot.totals.packets);
    expect(record.streams[0]).toMatchObject({ fromStreamStart: true, packets: snapshot.totals.packets, notRecorded: 0 });
    expect(new Set(rows.map((r) => r.slice(1).join(' ')))).toEqual(new Set([`${port} 127.0.0.1 128`]));
    const comments = tshark(capture, ['frame.comment'], 'udp && frame.comment');
    expect(comments.filter((r) => r[0]!.includes('gap starts')).length).toBeGreaterThanOrEqual(snapshot.totals.gapCount);
    expect(comments.filter((r) => r[0]!.includes('gap ends')).length).toBe(snapshot.totals.gapCount);
    expect(execFileSync('capinfos', [capture], { encoding: 'utf8' })).toMatch(/Capture comment:\s+Gapscope session summary/);
    // The sidecar holds settings, statistics, gaps and the final snapshot.
    const sidecar = JSON.parse(readFileSync(join(folder, summary!.id, 'session.json'), 'utf8')) as SessionRecord;
    expect(sidecar.streams[0]!.snapshot!.gaps).toEqual(snapshot.gaps);
    expect(sidecar.streams[0]!.config).toMatchObject({ port, gapMs: 150 });

    await api.renameSession(summary!.id, 'Drone link, bench 2');
    const annotated = await api.annotateSession(summary!.id, 'bug #123');
    expect(annotated).toMatchObject({ name: 'Drone link, bench 2', notes: 'bug #123' });
    const opened = await api.openSession(summary!.id);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ status: 'stopped', origin: 'session', config: { label: 'Drone link, bench 2 · lab stream' } });
    // Measured again from the capture: the same packets, bytes and gaps as the live stream (recorded from its start).
    const again = await api.getStreamState(opened[0]!.id);
    expect(again.snapshot.totals).toMatchObject({ packets: snapshot.totals.packets, bytes: snapshot.totals.bytes, gapCount: snapshot.totals.gapCount });
    expect(again.snapshot.gaps.map((g) => g.packetsBefore)).toEqual(snapshot.gaps.map((g) => g.packetsBefore));

    await api.deleteSession(summary!.id);
    expect(await api.listSessions()).toEqual([]);
    expect(existsSync(join(folder, summary!.id))).toBe(false);
  });

  it('opens a session recorded after the stream started with exactly the recording: its packets (as tshark counts them) and its time range', async () => {
    const api = await connect();
    const port = await freeUdpPort();
    const info = await api.startStream({ port, address: '127.0.0.1', gapMs: 150 });
    // 300 packets before Record: more than the worker keeps to put in a recording started at once.
    await send(port, 300);
    await expect.poll(async () => (await api.getStreamState(info.id)).snapshot.totals.packets).toBe(300);
    const started = await api.startRecording();
    await send(port, 150, 300);
    // The pause is measured from the last packet the receiver read, so a busy machine that reads
    // late cannot fold it away: the gap after the recording's 150th packet is always there.
    await expect.poll(async () => (await api.getStreamState(info.id)).snapshot.totals.packets).toBe(450);
    await silence(400);
    await send(port, 150, 450);
    await expect.poll(async () => (await api.getStreamState(info.id)).snapshot.totals.packets).toBe(600);
    await api.stopRecording();
    const live = (await api.getStreamState(info.id)).snapshot;
    const [summary] = await api.listSessions();
    const record = await api.getSession(summary!.id);
    expect(record.streams[0]).toMatchObject({ fromStreamStart: false, packets: 300 });
    const capture = join(await api.getSessionFolder(), summary!.id, 'capture.pcapng');
    const inFile = tshark(capture, ['frame.time_epoch'], 'frame.interface_id == 0');
    expect(inFile).toHaveLength(300);
    expect(summary!.packets).toBe(300);

    const [opened] = await api.openSession(summary!.id);
    expect(opened).toMatchObject({ status: 'stopped', origin: 'session', startedAt: record.streams[0]!.recordingStartedAt });
    const { snapshot } = await api.getStreamState(opened!.id);
    expect(snapshot.totals.packets).toBe(inFile.length);
    expect(snapshot.totals.bytes).toBe(300 * 120);
    expect(live.totals.packets).toBe(600);
    // Its time runs from Record to Stop (or to its last packet, should the worker's clock run ahead
    // of session.json's), and its gaps are the pause during the recording only.
    const recordingStart = record.streams[0]!.recordingStartedAt;
    const lastInFile = Number(inFile.at(-1)![0]) * 1000;
    expect(snapshot.totals.durationMs).toBeCloseTo(Math.max(record.ended! - recordingStart, lastInFile - recordingStart), 0);
    expect(snapshot.totals.durationMs).toBeGreaterThanOrEqual(record.ended! - recordingStart);
    expect(started.startedAt).toBe(record.created);
    // A busy machine may stall the sender once more; no gap counts the 300 packets before Record.
    expect(snapshot.gaps.map((g) => g.packetsBefore)).toContain(150);
    expect(snapshot.gaps.every((g) => g.packetsBefore < 300)).toBe(true);
    expect(snapshot.totals.firstPacketMs).toBeGreaterThanOrEqual(0);
    const firstInFile = Number(inFile[0]![0]) * 1000;
    expect(snapshot.totals.firstPacketMs).toBeCloseTo(firstInFile - recordingStart, 0);
  });

  it('refuses clearly when nothing runs, a second recording, and a folder it cannot use', async () => {
    const api = await connect();
    await expect(api.startRecording()).rejects.toThrow(/No stream is running/);
    await expect(api.openSession('../etc')).rejects.toThrow(/is not a session id/);
    await expect(api.setSessionFolder('relative/path')).rejects.toThrow(/absolute path/);
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'x');
    await expect(api.setSessionFolder(file)).rejects.toThrow(/not a folder|Cannot use/);
    const port = await freeUdpPort();
    await api.startStream({ port, address: '127.0.0.1' });
    await api.startRecording();
    await expect(api.startRecording()).rejects.toThrow(/stop it before starting another/);
    await expect(api.startRecording({ file: join(tempDir(), 'missing', 'x.pcapng') })).rejects.toThrow(/stop it before/);
    await api.stopRecording();
    await expect(api.startRecording({ file: join(tempDir(), 'missing', 'x.pcapng') })).rejects.toThrow(/Cannot record: the folder of .* does not exist/);
  });

  it('changes the folder on a first run, before the data folder exists', async () => {
    const dataDir = join(tempDir(), 'not-yet');
    const api = await connect(dataDir);
    const folder = join(tempDir(), 'captures');
    await expect(api.setSessionFolder(folder)).resolves.toBe(folder);
    await expect(api.getSessionFolder()).resolves.toBe(folder);
  });

  it('records into a chosen file with a JSON sidecar, and counts what arrived before the recording when the stream just started', async () => {
    const api = await connect();
    const port = await freeUdpPort();
    const info = await api.startStream({ port, address: '127.0.0.1' });
    await send(port, 50);
    await expect.poll(async () => (await api.getStreamState(info.id)).snapshot.totals.packets).toBe(50);
    const file = join(tempDir(), 'evidence.pcapng');
    await api.startRecording({ file });
    await send(port, 50, 50);
    await expect.poll(async () => (await api.getStreamState(info.id)).snapshot.totals.packets).toBe(100);
    await api.stopStream(info.id);
    await api.stopRecording();
    const state = await api.getStreamState(info.id);
    expect(tshark(file, ['udp.srcport'])).toHaveLength(state.snapshot.totals.packets);
    const sidecar = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as SessionRecord;
    expect(sidecar).toMatchObject({ status: 'complete', streams: [{ fromStreamStart: true, packets: state.snapshot.totals.packets }] });
    expect(await api.listSessions()).toEqual([]);
  });

  it('puts the timeline\'s events during the recording into the capture (a frame each, commented) and session.json', async () => {
    const api = await connect();
    const port = await freeUdpPort();
    const info = await api.startStream({ port, address: '127.0.0.1', label: 'generated' });
    const states: RecordingState[] = [];
    api.on('recordingState', (s) => states.push(s));
    const timeline: { source: string; kind: string }[] = [];
    api.on('timelineEvent', (e) => timeline.push(e));
    await api.startRecording();
    // The generator posts "sender started" and "sender finished" to the timeline.
    await api.startSender({ host: '127.0.0.1', port, rate: '200', size: 100, durationSec: 0.5 });
    await expect.poll(() => timeline.some((e) => e.source === 'generator' && e.kind === 'sender-finished'), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => states.some((s) => s.recording && (s.extras?.events ?? 0) >= 1), { timeout: 10_000 }).toBe(true);
    await api.stopStream(info.id);
    await api.stopRecording();
    const generated = (events: { source: string; kind: string }[] | undefined) => (events ?? []).filter((e) => e.source === 'generator').map((e) => e.kind);

    const [summary] = await api.listSessions();
    const record = await api.getSession(summary!.id);
    expect(generated(record.events)).toEqual(['sender-started', 'sender-finished']);
    expect(record.extras).toMatchObject({ timelineInterfaceId: 1, mdnsInterfaces: [], mdnsPackets: 0, notRecorded: 0 });
    expect(record.extras!.events).toBe(record.events!.length);
    expect(summary!.events).toBe(record.events!.length);
    expect(states.some((s) => s.recording && (s.extras?.events ?? 0) >= 1)).toBe(true);
    const capture = join(await api.getSessionFolder(), summary!.id, 'capture.pcapng');
    const frames = tshark(capture, ['frame.interface_name', 'syslog.msg', 'frame.comment'], 'frame.interface_id == 1 && frame.comment contains "generator"');
    expect(frames).toEqual([
      ['Gapscope timeline', expect.stringMatching(/^gapscope generator sender-started: Sender to 127\.0\.0\.1:\d+ started .*\{"id":"[^"]+"\}$/), expect.stringMatching(/^Gapscope timeline \(info\): \[generator sender-started\] Sender to 127\.0\.0\.1/)],
      ['Gapscope timeline', expect.stringContaining(`gapscope generator sender-finished: Sender to 127.0.0.1:${port} finished`), expect.stringContaining('[generator sender-finished]')],
    ]);
    expect(tshark(capture, ['udp.srcport'])).toHaveLength(record.streams[0]!.packets);
    expect(record.streams[0]!.packets).toBeGreaterThan(50);
    // The summary section carries the extras too.
    expect(execFileSync('capinfos', [capture], { encoding: 'utf8' })).toMatch(/"extras":\{"timelineInterfaceId":1/);
  });
});

describe('interrupted sessions', () => {
  it('lists a session whose recorder died as interrupted, trims its torn last block, counts its packets and opens it', async () => {
    const dataDir = tempDir();
    const dir = join(dataDir, 'sessions', '2026-11-24T10-00-00');
    mkdirSync(dir, { recursive: true });
    const r = new PacketRecorder({ interfaceId: 0, tsresol: 6, destination: { address: addressBytes('127.0.0.1')!, port: 5000 } });
    for (let i = 0; i < 40; i++) r.onPacket(1_795_000_000_000 + i, i, new Uint8Array(64), '127.0.0.1', 40000);
    r.flush(1e9, true);
    const whole = Buffer.concat([sectionHeaderBlock({ userAppl: 'Gapscope test' }), interfaceDescriptionBlock({ name: 's', tsresol: 6 }), ...r.takeReady()]);
    writeFileSync(join(dir, 'capture.pcapng'), whole.subarray(0, whole.length - 30)); // SIGKILL mid-write
    const dead = spawnSync('true').pid!;
    const snapshot = { nowMs: 40, totals: { packets: 20, bytes: 1280, durationMs: 40, firstPacketMs: 0, lastPacketMs: 19, dutyCycle: 1, gapCount: 0, gapMs: 0, expected: null }, bins: { binMs: 100, firstIndex: 0, packets: [20], bytes: [1280], lost: [0] }, gaps: [], openGap: null, gapThresholdMs: 1000, gapThresholdAutomatic: true, periodicity: { kind: 'none', everyBytes: null, everyMs: null, bytesSpread: null, timeSpread: null, gapsConsidered: 0, summary: 'No gaps.' }, interArrival: { boundsMs: [], counts: [], p50Ms: null, p99Ms: null, maxMs: null }, stalls: [], recentPackets: [], loss: null };
    const config = { port: 5000, address: '127.0.0.1', binMs: 100, recvBufferBytes: 8388608, decode: 'auto' };
    const record = {
      format: 'gapscope-session', version: 1, id: '2026-11-24T10-00-00', name: 'Killed', notes: '', created: 1_795_000_000_000, ended: null, status: 'recording',
      owner: { pid: dead, host: hostname() }, error: null, app: 'Gapscope test', os: 'linux', capture: 'capture.pcapng', savedAt: 0,
      streams: [{ streamId: 'abcd1234', interfaceId: 0, config, info: { id: 'abcd1234', config, kind: 'unicast', family: 'ipv4', status: 'listening', error: null, warning: null, startedAt: 1_795_000_000_000, bound: '127.0.0.1:5000', recvBufferRequested: 8388608, recvBufferGranted: null }, recordingStartedAt: 1_795_000_000_000, fromStreamStart: true, packets: 20, notRecorded: 0, bytesWritten: 0, snapshot, error: null }],
    };
    writeFileSync(join(dir, 'session.json'), JSON.stringify(record));
    const api = await connect(dataDir);
    const [s] = await api.listSessions();
    expect(s).toMatchObject({ status: 'interrupted', packets: 39, name: 'Killed' });
    expect(s!.error!.message).toMatch(/cut short/);
    const capture = join(dir, 'capture.pcapng');
    expect(statSync(capture).size).toBeLessThan(whole.length - 30);
    expect(tshark(capture, ['udp.srcport'])).toHaveLength(39);
    const opened = await api.openSession(s!.id);
    expect(opened[0]).toMatchObject({ status: 'stopped', origin: 'session', config: { label: 'Killed · port 5000' } });
    // Opened from the capture as recounted (39 packets), not from the stale snapshot (20).
    const state = await api.getStreamState(opened[0]!.id);
    expect(state.snapshot.totals).toMatchObject({ packets: 39, bytes: 39 * 64 });
  });
});

describe('a full disk', () => {
  it('stops writing with a clear message and counts what the disk accepted', async () => {
    let failure: string | null = null;
    let code: string | null = null;
    const f = new RecordingFile('/dev/full', { interfaceId: 0, tsresol: 6, destination: { address: addressBytes('127.0.0.1')!, port: 1 } }, (e) => {
      failure = e.message;
      code = e.code;
    });
    for (let i = 0; i < 10; i++) f.recorder.onPacket(1000 + i, i, new Uint8Array(100), '127.0.0.1', 2);
    f.tick(1e6);
    await f.close(1e6);
    expect(failure).toMatch(/Recording stopped: the disk holding \/dev\/full is full\. What was recorded so far is kept\./);
    // A code of its own, not "internal": the page shows the sentence instead of "something went wrong inside Gapscope".
    expect(code).toBe('disk-full');
    expect(f.counts().written).toBe(0);
  });
});
