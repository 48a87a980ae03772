/**
 * A capture with one gap of each cause Gapscope can tell with sequence numbers, for the tests that
 * check every export prints the same cause: a sender pause, a network cut-out and a local stall.
 */
import { ReceptionMonitor } from '../../reception/receptionMonitor';
import { buildReport, type ReceptionReport } from '../../reception/report';

/** Gapscope's own `seq` payload: a 64-bit sequence number and a 64-bit send time in µs. */
function seq(n: number, atMs: number): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, BigInt(n));
  v.setBigUint64(8, BigInt(Math.round((1_800_000_000_000 + atMs) * 1000)));
  return b;
}

/** The monitor fed 5 s at 1000 packets/s with the three gaps, and its report. */
export function threeCauseCapture(): { monitor: ReceptionMonitor; report: ReceptionReport } {
  const m = new ReceptionMonitor({ binMs: 100, gapMs: 200, decode: 'seq' });
  let id = 0;
  const send = (fromMs: number, toMs: number) => {
    for (let t = fromMs; t < toMs; t++) m.onPacket(t, seq(id++, t), '10.0.0.1:9');
  };
  send(0, 1000);
  // The sender pauses 400 ms: the next id follows without a hole.
  send(1400, 2400);
  // The network drops 300 ms of packets: ids 2000..2299 never arrive.
  id += 300;
  send(2700, 3700);
  // Gapscope itself cannot run for 400 ms: nothing is read, nothing is missing.
  m.onLocalStall({ startMs: 3700, endMs: 4100, durationMs: 400 });
  send(4100, 5000);
  return { monitor: m, report: buildReport(m.snapshot(5000), { port: 4000 }, Date.UTC(2026, 10, 24, 12)) };
}
