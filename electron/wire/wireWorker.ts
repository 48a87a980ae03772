/**
 * The wire view's own thread (see wireThread.ts): runs the capture engine through WireView into a
 * ReceptionMonitor, and hands the socket's thread the wire's datagrams and deltas when it asks.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ReceptionMonitor } from '../../shared/reception/receptionMonitor';
import type { FromWireThread, ToWireThread, WirePackets, WireThreadSetup } from './wireThread';
import { WireView } from './wireView';

const port = parentPort;
if (!port) throw new Error('wireWorker must run as a worker thread');
const setup = workerData as WireThreadSetup;
const post = (m: FromWireThread): void => port.postMessage(m);

let batch: WirePackets = { at: [], seq: [], flags: [], format: [] };
/** Posts the datagrams read since the last time, so that what follows them comes after them. */
function flush(): void {
  if (batch.at.length === 0) return;
  post({ type: 'packets', packets: batch });
  batch = { at: [], seq: [], flags: [], format: [] };
}

const monitor = new ReceptionMonitor({
  ...setup.monitor,
  // The packet inspector shows the socket's packets; the wire's need not be kept.
  keepPackets: 0,
  onDecoded: (at, seq, flags, format) => {
    batch.at.push(at);
    batch.seq.push(seq ?? Number.NaN);
    batch.flags.push(flags);
    batch.format.push(format);
  },
});
const wire = new WireView(setup.wire, monitor, () => setup.epochOfZero, (status) => {
  flush();
  post({ type: 'status', status });
});

port.on('message', (m: ToWireThread) => {
  if (m.type === 'tick') {
    flush();
    post({ type: 'tock', delta: monitor.takeDelta(m.nowMs) });
  } else if (m.type === 'snapshot') {
    flush();
    post({ type: 'snapshot', requestId: m.requestId, snapshot: monitor.snapshot(m.nowMs) });
  } else if (m.type === 'stop') {
    void wire.stop().then(() => {
      flush();
      post({ type: 'stopped', snapshot: monitor.snapshot(m.atMs) });
    });
  }
});

wire.start();
