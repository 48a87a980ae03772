import { describe, expect, it } from 'vitest';
import type { StreamInfo } from '../contract/reception';
import { parseFormat } from '../decoders/streamDecoder';
import { resolverVerdict, type WatchSample } from '../dns/reachability';
import { ReceptionMonitor } from '../reception/receptionMonitor';
import { encodeExposition, type MetricFamily } from './exposition';
import { GapscopeMetrics, MAX_SERVICE_TYPES, OTHER_SERVICE_TYPE } from './gapscopeMetrics';

function info(id: string, over: Partial<StreamInfo> = {}, config: Partial<StreamInfo['config']> = {}): StreamInfo {
  return {
    id,
    config: { port: 4000, binMs: 100, recvBufferBytes: 1 << 20, decode: 'seq', ...config },
    kind: 'unicast',
    family: 'ipv4',
    status: 'listening',
    error: null,
    warning: null,
    startedAt: 1_000_000,
    bound: '0.0.0.0:4000',
    recvBufferRequested: 1 << 20,
    recvBufferGranted: 1 << 21,
    origin: 'live',
    ...over,
  };
}

/** A datagram as lab/sender.mjs makes it: a 64-bit big-endian sequence number first. */
function datagram(seq: number, size = 100): Uint8Array {
  const b = new Uint8Array(size);
  new DataView(b.buffer).setBigUint64(0, BigInt(seq));
  return b;
}

function value(families: MetricFamily[], name: string, labels: Record<string, string> = {}): number | undefined {
  const f = families.find((x) => x.name === name);
  if (!f || f.type === 'histogram') return undefined;
  return f.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

function histogram(families: MetricFamily[], name: string, labels: Record<string, string>) {
  const f = families.find((x) => x.name === name);
  if (!f || f.type !== 'histogram') return undefined;
  return f.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

describe('GapscopeMetrics', () => {
  it('counts what a real monitor measured: packets, bytes, loss, each gap once in the histogram', () => {
    let clock = 0;
    const metrics = new GapscopeMetrics('9.9.9', () => clock);
    const monitor = new ReceptionMonitor({ binMs: 100, gapMs: 100, decode: parseFormat('seq')! });
    metrics.onStreamInfo(info('s1', {}, { label: 'telemetry' }));
    // 10 ms cadence; a 300 ms cut, a 600 ms cut, and sequence numbers 40–44 never sent (lost).
    let t = 0;
    let seq = 0;
    const send = (n: number): void => {
      for (let i = 0; i < n; i++) monitor.onPacket((t += 10), datagram(seq++), '10.0.0.1:1');
    };
    send(30);
    t += 300;
    seq += 5;
    send(30);
    // The collector starts late: the snapshot brings the first gap, a delta brings it again.
    metrics.onStreamState({ info: info('s1', {}, { label: 'telemetry' }), snapshot: monitor.snapshot(t) });
    metrics.onStreamUpdate({ id: 's1', delta: monitor.takeDelta(t) });
    t += 600;
    send(20);
    clock = 5000;
    metrics.onStreamUpdate({ id: 's1', delta: monitor.takeDelta(t) });
    const snap = monitor.snapshot(t);
    const f = metrics.families();
    const labels = { stream: 'telemetry', port: '4000' };
    expect(value(f, 'gapscope_stream_packets_received_total', labels)).toBe(80);
    expect(value(f, 'gapscope_stream_received_bytes_total', labels)).toBe(8000);
    expect(value(f, 'gapscope_stream_gaps_total', labels)).toBe(snap.totals.gapCount);
    expect(snap.totals.gapCount).toBe(2);
    expect(value(f, 'gapscope_stream_lost_packets_total', labels)).toBe(5);
    expect(value(f, 'gapscope_stream_duplicate_packets_total', labels)).toBe(0);
    const h = histogram(f, 'gapscope_stream_gap_seconds', labels)!;
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(2);
    expect(h.sum).toBeCloseTo(snap.gaps.reduce((s, g) => s + g.durationMs, 0) / 1000, 9);
    expect(value(f, 'gapscope_build_info', { version: '9.9.9' })).toBe(1);
    expect(value(f, 'gapscope_stream_listening', labels)).toBe(1);
    expect(value(f, 'gapscope_stream_gap_threshold_seconds', labels)).toBe(0.1);
    // 10 packets of 100 bytes per 100 ms in the newest second.
    expect(value(f, 'gapscope_stream_receive_rate_bytes_per_second', labels)).toBeGreaterThan(0);
    expect(value(f, 'gapscope_stream_last_packet_age_seconds', labels)).toBe(0);
    // Time passes without a delta: the age grows with the clock while the stream listens.
    clock = 7500;
    expect(value(metrics.families(), 'gapscope_stream_last_packet_age_seconds', labels)).toBe(2.5);
    expect(() => encodeExposition(f)).not.toThrow();
  });

  it('never lets a counter go down: a late packet filling a counted hole leaves lost as it was', () => {
    const metrics = new GapscopeMetrics('1', () => 0);
    const monitor = new ReceptionMonitor({ binMs: 100, gapMs: 1000, decode: parseFormat('seq')! });
    metrics.onStreamInfo(info('s1'));
    for (const [i, s] of [0, 1, 2, 4, 5].entries()) monitor.onPacket(i * 10, datagram(s), 'x');
    metrics.onStreamUpdate({ id: 's1', delta: monitor.takeDelta(50) });
    expect(value(metrics.families(), 'gapscope_stream_lost_packets_total')).toBe(1);
    monitor.onPacket(60, datagram(3), 'x');
    const late = monitor.takeDelta(70);
    expect(late.loss?.lost).toBe(0);
    metrics.onStreamUpdate({ id: 's1', delta: late });
    expect(value(metrics.families(), 'gapscope_stream_lost_packets_total')).toBe(1);
  });

  it('labels streams by their label or endpoint, keeps names unique, and leaves recorded sessions and attached agents\' streams out', () => {
    const metrics = new GapscopeMetrics('1', () => 0);
    metrics.onStreamInfo(info('a', { startedAt: 1 }, { label: 'cam', port: 5000 }));
    metrics.onStreamInfo(info('b', { startedAt: 2 }, { label: 'cam', port: 5001 }));
    metrics.onStreamInfo(info('c', { startedAt: 3 }, { port: 5002, address: '239.1.2.3' }));
    metrics.onStreamInfo(info('d', { startedAt: 4, origin: 'session' }, { port: 5003 }));
    metrics.onStreamInfo(info('e@ag1', { startedAt: 5, agent: { id: 'ag1', name: 'bench 1' } }, { port: 5004 }));
    metrics.onStreamUpdate({ id: 'e@ag1', delta: new ReceptionMonitor({ binMs: 100, gapMs: 200, decode: parseFormat('seq')! }).takeDelta(10) });
    expect(metrics.streamLabels()).toEqual([
      { id: 'a', stream: 'cam' },
      { id: 'b', stream: 'cam (b)' },
      { id: 'c', stream: '239.1.2.3:5002' },
    ]);
    metrics.onStreamInfo(info('a', { status: 'stopped', startedAt: 1 }, { label: 'cam', port: 5000 }));
    expect(value(metrics.families(), 'gapscope_stream_listening', { stream: 'cam' })).toBe(0);
    metrics.onStreamRemoved('a');
    expect(metrics.streamLabels().map((s) => s.stream)).toEqual(['cam', '239.1.2.3:5002']);
  });

  it('counts DNS probes per resolver and outcome once, with the RTT of those that got a reply', () => {
    const metrics = new GapscopeMetrics('1', () => 0);
    const sample = (at: number, kind: 'answer' | 'timeout', rttMs: number | null): WatchSample => ({ at, kind, rttMs, rcode: kind === 'answer' ? 'NOERROR' : null, publicAddress: null, echoed: kind === 'answer' });
    // The watch's own verdicts, from the samples it kept.
    const first = [sample(1, 'answer', 3)];
    metrics.onDnsWatchState({ running: true, config: null, startedAt: 0, resolvers: [{ server: '10.0.0.1', verdict: resolverVerdict('10.0.0.1', first, 1), samples: first }], reachability: {} as never, problem: null });
    const verdicts = [resolverVerdict('10.0.0.1', [...first, sample(2, 'timeout', null)], 2), resolverVerdict('10.0.0.9', [sample(2, 'answer', 40)], 2)];
    metrics.onDnsWatchUpdate({ running: true, samples: [{ server: '10.0.0.1', sample: sample(1, 'answer', 3) }, { server: '10.0.0.1', sample: sample(2, 'timeout', null) }, { server: '10.0.0.9', sample: sample(2, 'answer', 40) }], verdicts, reachability: {} as never });
    const f = metrics.families();
    expect(value(f, 'gapscope_dns_probes_total', { resolver: '10.0.0.1', outcome: 'answer' })).toBe(1);
    expect(value(f, 'gapscope_dns_probes_total', { resolver: '10.0.0.1', outcome: 'timeout' })).toBe(1);
    expect(value(f, 'gapscope_dns_probes_total', { resolver: '10.0.0.1', outcome: 'refused' })).toBe(0);
    expect(histogram(f, 'gapscope_dns_probe_rtt_seconds', { resolver: '10.0.0.1' })).toMatchObject({ sum: 0.003 });
    expect(histogram(f, 'gapscope_dns_probe_rtt_seconds', { resolver: '10.0.0.9' })).toMatchObject({ sum: 0.04 });
    expect(value(f, 'gapscope_dns_resolver_answering', { resolver: '10.0.0.1' })).toBe(0);
    expect(value(f, 'gapscope_dns_resolver_answering', { resolver: '10.0.0.9' })).toBe(1);
  });

  it('bounds the Bonjour type labels and counts network changes per kind from zero', () => {
    const metrics = new GapscopeMetrics('1', () => 0);
    const types = Array.from({ length: MAX_SERVICE_TYPES + 5 }, (_, i) => ({ type: `_t${i}._tcp.local`, interfaces: ['eth0'], instances: i < 3 ? 10 : 1 }));
    metrics.onServiceTypes(types);
    metrics.onNetworkChange({ kind: 'interface-down', severity: 'warning', summary: 'eth0 went down', at: 1 } as never);
    const f = metrics.families();
    const services = f.find((x) => x.name === 'gapscope_bonjour_services')!;
    expect(services.samples).toHaveLength(MAX_SERVICE_TYPES + 1);
    expect(value(f, 'gapscope_bonjour_services', { type: '_t0._tcp.local' })).toBe(10);
    expect(value(f, 'gapscope_bonjour_services', { type: OTHER_SERVICE_TYPE })).toBe(5);
    expect(value(f, 'gapscope_network_changes_total', { kind: 'interface-down' })).toBe(1);
    expect(value(f, 'gapscope_network_changes_total', { kind: 'wifi-roamed' })).toBe(0);
  });
});
