/**
 * A receiver thread: owns one UDP socket and its ReceptionMonitor, so that nothing the UI or IPC
 * does can delay packet timestamps. Posts display-rate deltas to the reception service.
 */
import { createSocket, type Socket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { performance } from 'node:perf_hooks';
import { getSystemErrorName } from 'node:util';
import { parentPort, workerData } from 'node:worker_threads';
import { ReceptionMonitor } from '../../shared/reception/receptionMonitor';
import type { ErrorInfo } from '../../shared/contract';
import type { FormatName } from '../../shared/decoders/types';
import type { ReceptionDelta } from '../../shared/reception/types';
import { addressBytes } from '../../shared/pcapng/write';
import { RecordingFile } from './recordingFile';
import { StallWatch } from './stallWatch';
import { explainSocketError } from './socketErrors';
import { nameHolders, udpPortHolders } from './portHolders';
import { KernelDropSampler } from './kernelDrops';
import { socketFd } from '../native/udpAddon';
import { readInBatches, readOneByOne, type DatagramReader } from './datagramReader';
import { WireView } from '../wire/wireView';
import { WireThread } from '../wire/wireThread';
import { GapLocator } from '../../shared/reception/gapLocation';
import type { FromWorker, RecordingEnd, RecordTarget, ToWorker, WorkerSetup } from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('receiverWorker must run as a worker thread');
const setup = workerData as WorkerSetup;
const { plan } = setup;
const post = (m: FromWorker): void => port.postMessage(m);
// The kernel's drop counters (kernelDrops.ts) fill each gap as it closes.
let kernelDrops: KernelDropSampler | null = null;
// Beside the socket, the wire view's datagrams locate each gap's losses (shared/reception/gapLocation.ts).
const locator = setup.wire?.mode === 'beside' ? new GapLocator() : null;
const monitor = new ReceptionMonitor({
  ...setup.monitor,
  onGap: (g) => {
    kernelDrops?.onGap(g);
    locator?.onSocketGap(g);
  },
  ...(locator ? { onDecoded: (at: number, seq: number | null, flags: number, format: FormatName) => locator.onSocketPacket(at, seq, flags, format) } : {}),
});

let t0 = performance.now();
const now = (): number => performance.now() - t0;
let socket: Socket | null = null;
let reader: DatagramReader | null = null;
/** Batch receive (recvmmsg, datagramReader.ts) wherever the addon was built; GAPSCOPE_RECEIVE=single reads one by one through dgram. */
const wantBatch = process.env.GAPSCOPE_RECEIVE !== 'single';
let updateTimer: NodeJS.Timeout | null = null;
let watchTimer: NodeJS.Timeout | null = null;
let stallWatch: StallWatch | null = null;
let finished = false;
/** Wall-clock time of stream time 0, ms since the epoch: what recorded packets are stamped with. */
let epochOfZero = performance.timeOrigin + t0;

// Recording. The stream's first packets are kept (references only) so that a recording started
// right after listening, as `listen --record` does, holds every packet the report counts.
const PREROLL = 256;
let received = 0;
let preroll: { at: number; msg: Buffer; address: string; port: number }[] | null = [];
let recording: RecordingFile | null = null;
let recordTimer: NodeJS.Timeout | null = null;

// The wire view (electron/wire): beside the socket on a thread of its own (wireThread.ts) with its
// own monitor, or alone here feeding `monitor`.
let wire: WireView | null = null;
let wireThread: WireThread | null = null;

function finish(error: ErrorInfo | null): void {
  if (finished) return;
  finished = true;
  // The batch reader hands on what it has already read before the socket closes.
  void (reader?.close() ?? Promise.resolve()).then(() => finishRead(error));
}

function finishRead(error: ErrorInfo | null): void {
  if (updateTimer) {
    clearInterval(updateTimer);
    // One last delta: what came since the last one (a gap that ended just before Stop, the last
    // packets) reaches every window that follows deltas, not only the final snapshot.
    const delta = monitor.takeDelta(now());
    const located = locator?.takeLocated();
    if (located?.length) delta.locatedGaps = located;
    post({ type: 'delta', delta });
  }
  if (watchTimer) clearInterval(watchTimer);
  stallWatch?.stop();
  kernelDrops?.stop();
  try {
    socket?.close();
  } catch {
    // Already closed.
  }
  const atMs = now();
  const snapshot = setup.wire?.mode === 'only' ? null : monitor.snapshot(atMs);
  // The engine's last packets are read (and handed to the locator) before the wire's final snapshot.
  const wireDone = wireThread ? wireThread.stop(atMs) : (wire?.stop() ?? Promise.resolve()).then(() => null);
  void wireDone.then((wireSnapshot) => {
    // The snapshot holds the same gaps: those the wire view had not passed are located with what it saw.
    locator?.finish();
    const done = (end: RecordingEnd | null): void => {
      post({ type: 'stopped', snapshot: snapshot ?? monitor.snapshot(atMs), ...(wireSnapshot ? { wire: wireSnapshot } : {}), error, recording: end });
      port!.close();
    };
    if (recording) void endRecording().then(done);
    else done(null);
  });
}

/** The wire view alone: no socket; the stream listens once the engine captures. */
function startWireOnly(): void {
  t0 = performance.now();
  epochOfZero = performance.timeOrigin + t0;
  let listening = false;
  wire = new WireView(setup.wire!, monitor, () => epochOfZero, (status) => {
    post({ type: 'wireStatus', status });
    if (status.state === 'capturing' && !listening) {
      listening = true;
      beginListening(null, null);
    } else if (status.state === 'failed' && !listening) {
      finished = true;
      post({ type: 'failed', error: status.error! });
      port!.close();
    } else if (status.state === 'failed') finish(status.error);
  });
  wire.start();
}

/** From here on the stream is listening: deltas, the stall watch and the interface watch run. */
function beginListening(bound: string | null, granted: number | null): void {
  post({ type: 'listening', startedAt: performance.timeOrigin + t0, bound, recvBufferGranted: granted });
  stallWatch = new StallWatch(now, (stall) => monitor.onLocalStall(stall));
  const sendDelta = (wireDelta: ReceptionDelta | null): void => {
    if (finished) return;
    locator?.tick(now());
    const delta = monitor.takeDelta(now());
    const located = locator?.takeLocated();
    if (located?.length) delta.locatedGaps = located;
    if (delta.openGap) kernelDrops?.duringSilence();
    post({ type: 'delta', delta, ...(wireDelta ? { wire: wireDelta } : {}) });
  };
  updateTimer = setInterval(() => {
    // The wire's new datagrams reach the locator first; a wire thread still busy with the previous
    // tick does not hold the socket's delta back.
    const wireDelta = wireThread?.tick(now());
    if (wireDelta) void wireDelta.then(sendDelta);
    else sendDelta(null);
  }, setup.updateEveryMs);
  if (plan.watchInterface) watchTimer = setInterval(checkInterface, 1000);
}

function startRecording(target: RecordTarget): void {
  const stopNow = (e: ErrorInfo): void => post({ type: 'recordingStopped', end: { counts: { packets: 0, written: 0, notRecorded: 0, bytesWritten: 0 }, error: e, atMs: now() } });
  if (recording) return stopNow({ code: 'invalid-argument', message: 'This stream is already being recorded.' });
  const destination = addressBytes(target.destination.address);
  if (!destination) return stopNow({ code: 'invalid-argument', message: `Cannot record: ${target.destination.address} is not an address.` });
  let file: RecordingFile;
  try {
    file = new RecordingFile(target.path, { interfaceId: target.interfaceId, tsresol: target.tsresol, destination: { address: destination, port: target.destination.port }, gapMs: setup.monitor.gapMs }, (e) => {
      // The disk refused a write: the recording stops, the stream goes on.
      const counts = file.counts();
      recording = null;
      if (recordTimer) clearInterval(recordTimer);
      post({ type: 'recordingStopped', end: { counts, error: e, atMs: now() } });
    });
  } catch (e) {
    return stopNow((e as { info?: ErrorInfo }).info ?? { code: 'internal', message: String(e) });
  }
  const fromStreamStart = preroll !== null && preroll.length === received;
  if (fromStreamStart) for (const p of preroll!) file.recorder.onPacket(epochOfZero + p.at, p.at, p.msg, p.address, p.port);
  preroll = null;
  recording = file;
  post({ type: 'recording', fromStreamStart, atMs: now() });
  recordTimer = setInterval(() => {
    if (!recording) return;
    recording.tick(now());
    post({ type: 'recordingProgress', counts: recording.counts() });
  }, 1000);
}

async function endRecording(): Promise<RecordingEnd | null> {
  const file = recording;
  if (!file) return null;
  recording = null;
  if (recordTimer) clearInterval(recordTimer);
  const atMs = now();
  await file.close(atMs);
  return { counts: file.counts(), error: file.error, atMs };
}

/** Every datagram, read either way (datagramReader.ts): counted, recorded or kept for a recording. */
function onDatagram(atPerfMs: number, msg: Buffer, address: string, rport: number, ipv6: boolean): void {
  const at = atPerfMs - t0;
  monitor.onPacket(at, msg, ipv6 ? `[${address}]:${rport}` : `${address}:${rport}`);
  if (recording) {
    recording.recorder.onPacket(epochOfZero + at, at, msg, address, rport);
    if (recording.recorder.hasReady) recording.pump();
  } else if (preroll) {
    if (preroll.length < PREROLL) preroll.push({ at, msg, address, port: rport });
    else preroll = null;
  }
  received += 1;
}

function start(): void {
  if (setup.wire?.mode === 'only') return startWireOnly();
  const where = { address: plan.bindAddress, port: plan.port, group: plan.membership?.group };
  // Multicast and broadcast receivers share their port (every socket gets every datagram); a
  // unicast port is never shared: the kernel would give one of the sockets every datagram, and a
  // program under test listening there would receive nothing (issue #13 item 10).
  const unicast = plan.kind === 'unicast';
  const sock = createSocket({ type: plan.type, reuseAddr: !unicast });
  socket = sock;
  let bound = false;
  sock.on('error', (err) => {
    if (!bound) {
      finished = true;
      try {
        sock.close();
      } catch {
        // Never opened.
      }
      const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' && unicast;
      void (inUse ? udpPortHolders(plan.port) : Promise.resolve([])).then((holders) => {
        post({ type: 'failed', error: explainSocketError(err, 'bind', { ...where, unicast, ...(holders.length ? { holders: nameHolders(holders) } : {}) }) });
        port!.close();
      });
    } else {
      finish(explainSocketError(err, 'receive', where));
    }
  });
  sock.bind({ address: plan.bindAddress, port: plan.port, exclusive: false }, () => {
    bound = true;
    try {
      if (plan.membership) {
        const { group, iface, source } = plan.membership;
        if (source) sock.addSourceSpecificMembership(source, group, iface);
        else sock.addMembership(group, iface);
      }
    } catch (err) {
      post({ type: 'failed', error: explainSocketError(err, 'join', where) });
      finished = true;
      sock.close();
      port!.close();
      return;
    }
    let granted: number | null;
    try {
      sock.setRecvBufferSize(plan.recvBufferBytes);
    } catch {
      // The OS refused the size; what it granted is read below.
    }
    try {
      granted = sock.getRecvBufferSize();
    } catch {
      granted = null;
    }
    t0 = performance.now();
    epochOfZero = performance.timeOrigin + t0;
    reader = (wantBatch ? readInBatches(sock, onDatagram, (errno) => finish(explainSocketError(Object.assign(new Error(getSystemErrorName(-errno)), { code: getSystemErrorName(-errno) }), 'receive', where))) : null) ?? readOneByOne(sock, onDatagram);
    const addr = sock.address();
    beginListening(addr.family === 'IPv6' ? `[${addr.address}]:${addr.port}` : `${addr.address}:${addr.port}`, granted);
    kernelDrops = new KernelDropSampler({ platform: process.platform, family: plan.family, port: plan.port, fd: socketFd(sock), recvBufferRequested: plan.recvBufferBytes, recvBufferGranted: granted });
    kernelDrops.start((sample) => post({ type: 'kernelDrops', sample }));
    if (setup.wire && locator) {
      wireThread = new WireThread({ wire: setup.wire, monitor: setup.monitor, epochOfZero }, {
        onPackets: (p) => {
          for (let i = 0; i < p.at.length; i++) locator.onWirePacket(p.at[i]!, Number.isNaN(p.seq[i]) ? null : p.seq[i]!, p.flags[i]!, p.format[i]!);
        },
        onStatus: (status) => {
          if (status.state === 'failed' || status.state === 'stopped') locator.finish();
          post({ type: 'wireStatus', status });
        },
      });
    }
  });
}

let interfaceMissing = false;
function checkInterface(): void {
  const name = plan.watchInterface;
  // On Linux an interface without addresses still exists; elsewhere Node lists only those with one.
  const present = name !== null && (process.platform === 'linux' ? existsSync(`/sys/class/net/${name}`) : networkInterfaces()[name] !== undefined);
  if (!present && !interfaceMissing) {
    interfaceMissing = true;
    post({ type: 'warning', warning: { code: 'interface-lost', message: `Interface ${plan.watchInterface} disappeared; still listening in case it comes back.` } });
  } else if (present && interfaceMissing) {
    interfaceMissing = false;
    post({ type: 'warning', warning: null });
  }
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'stop') finish(null);
  else if (m.type === 'snapshot') {
    const at = now();
    const snapshot = monitor.snapshot(at);
    if (!wireThread) post({ type: 'snapshot', requestId: m.requestId, snapshot });
    else void wireThread.snapshot(at).then((wireSnapshot) => post({ type: 'snapshot', requestId: m.requestId, snapshot, ...(wireSnapshot ? { wire: wireSnapshot } : {}) }));
  }
  else if (m.type === 'record') startRecording(m.target);
  else if (m.type === 'stopRecording') {
    void endRecording().then((end) => post({ type: 'recordingStopped', end: end ?? { counts: { packets: 0, written: 0, notRecorded: 0, bytesWritten: 0 }, error: null, atMs: now() } }));
  }
});

start();
