/**
 * A receiver thread: owns one UDP socket and its ReceptionMonitor, so that nothing the UI or IPC
 * does can delay packet timestamps. Posts display-rate deltas to the reception service.
 */
import { createSocket, type Socket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { ReceptionMonitor } from '../../shared/reception/receptionMonitor';
import type { ErrorInfo } from '../../shared/contract';
import { StallWatch } from './stallWatch';
import { explainSocketError } from './socketErrors';
import type { FromWorker, ToWorker, WorkerSetup } from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('receiverWorker must run as a worker thread');
const setup = workerData as WorkerSetup;
const { plan } = setup;
const post = (m: FromWorker): void => port.postMessage(m);
const monitor = new ReceptionMonitor(setup.monitor);

let t0 = performance.now();
const now = (): number => performance.now() - t0;
let socket: Socket | null = null;
let updateTimer: NodeJS.Timeout | null = null;
let watchTimer: NodeJS.Timeout | null = null;
let stallWatch: StallWatch | null = null;
let finished = false;

function finish(error: ErrorInfo | null): void {
  if (finished) return;
  finished = true;
  if (updateTimer) clearInterval(updateTimer);
  if (watchTimer) clearInterval(watchTimer);
  stallWatch?.stop();
  try {
    socket?.close();
  } catch {
    // Already closed.
  }
  post({ type: 'stopped', snapshot: monitor.snapshot(now()), error });
  port!.close();
}

function start(): void {
  const where = { address: plan.bindAddress, port: plan.port, group: plan.membership?.group };
  const sock = createSocket({ type: plan.type, reuseAddr: true });
  socket = sock;
  let bound = false;
  sock.on('error', (err) => {
    if (!bound) {
      post({ type: 'failed', error: explainSocketError(err, 'bind', where) });
      finished = true;
      try {
        sock.close();
      } catch {
        // Never opened.
      }
      port!.close();
    } else {
      finish(explainSocketError(err, 'receive', where));
    }
  });
  sock.on('message', (msg, rinfo) => {
    monitor.onPacket(performance.now() - t0, msg, rinfo.family === 'IPv6' ? `[${rinfo.address}]:${rinfo.port}` : `${rinfo.address}:${rinfo.port}`);
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
    const addr = sock.address();
    post({
      type: 'listening',
      startedAt: performance.timeOrigin + t0,
      bound: addr.family === 'IPv6' ? `[${addr.address}]:${addr.port}` : `${addr.address}:${addr.port}`,
      recvBufferGranted: granted,
    });
    stallWatch = new StallWatch(now, (stall) => monitor.onLocalStall(stall));
    updateTimer = setInterval(() => post({ type: 'delta', delta: monitor.takeDelta(now()) }), setup.updateEveryMs);
    if (plan.watchInterface) watchTimer = setInterval(checkInterface, 1000);
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
  else if (m.type === 'snapshot') post({ type: 'snapshot', requestId: m.requestId, snapshot: monitor.snapshot(now()) });
});

start();
