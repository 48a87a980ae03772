// The offline analysis on files built byte by byte: the same monitor as live (gaps from capture
// times), time 0 at the first frame, times that go backwards, and the choice of flow.
import { describe, expect, it } from 'vitest';
import { concat, epb, ethernet, idb, ipv4, seqPayload, shb, udp } from '../pcapng/testing/readTestFiles';
import { AmbiguousFlowError, OfflineAnalysis } from './offlineAnalysis';
import { parseFlowSelector } from './flows';

const S = [10, 98, 72, 1];
const D = [10, 98, 72, 2];
const T0 = 1_795_960_800_000_000; // µs

function frame(srcPort: number, dstPort: number, seq: number): Uint8Array {
  return ethernet(0x0800, ipv4(S, D, 17, udp(srcPort, dstPort, seqPayload(seq, 100))));
}

function ts(us: number): [number, number] {
  const t = T0 + us;
  return [Math.floor(t / 4294967296), t % 4294967296];
}

function analyze(file: Uint8Array, options: ConstructorParameters<typeof OfflineAnalysis>[0]): OfflineAnalysis {
  const a = new OfflineAnalysis(options);
  a.reader().push(file);
  a.finish();
  return a;
}

describe('OfflineAnalysis', () => {
  // 100 datagrams at 10 ms to :5000 with a 500 ms hole after the 50th; 5 to :6000; an ARP first.
  const blocks: Uint8Array[] = [shb(), idb(1), epb(0, ts(0), ethernet(0x0806, new Uint8Array(28)))];
  let t = 20_000;
  for (let i = 0; i < 100; i++) {
    if (i === 50) t += 500_000;
    blocks.push(epb(0, ts(t), frame(40000, 5000, i)));
    if (i % 20 === 0) blocks.push(epb(0, ts(t + 1), frame(40001, 6000, i)));
    t += 10_000;
  }
  const file = concat(...blocks);

  it('reports a flow as listen does, on a time axis starting at the first frame', () => {
    const r = analyze(file, { port: 5000, gapMs: 100, binMs: 100, decode: 'seq' }).report('test.pcapng');
    expect(r.packets).toBe(100);
    expect(r.bytes).toBe(10_000);
    expect(r.firstPacketMs).toBe(20);
    expect(r.gaps).toEqual([expect.objectContaining({ startMs: 510, endMs: 1020, durationMs: 510, packetsBefore: 50, bytesBefore: 5000 })]);
    expect(r.startedAt).toBe(new Date(T0 / 1000).toISOString());
    expect(r.durationMs).toBe(1510);
    expect(r.decode?.format).toBe('seq');
    expect(r.loss).toMatchObject({ lost: 0, expected: 100 });
    expect(r.capture).toMatchObject({ format: 'pcapng', frames: 106, flows: 2, extract: { udpDatagrams: 105, notIp: 1 } });
    expect(r.stream).toMatchObject({ flow: '10.98.72.1:40000 > 10.98.72.2:5000', port: 5000, kind: 'capture' });
  });

  it('without a choice, several flows are an AmbiguousFlowError that lists them; a flow matches by --flow', () => {
    const a = analyze(file, {});
    expect(() => a.report('test.pcapng')).toThrow(AmbiguousFlowError);
    try {
      a.report('test.pcapng');
    } catch (e) {
      expect((e as AmbiguousFlowError).flows.map((f) => f.dstPort)).toEqual([5000, 6000]);
      expect((e as AmbiguousFlowError).message).toBe('2 UDP flows in test.pcapng; choose one with --flow SRC>DST (or --port).');
    }
    expect(analyze(file, { flow: parseFlowSelector('*>:6000') }).report('f').packets).toBe(5);
    expect(() => analyze(file, { port: 7 }).report('f')).toThrow(/^No UDP flow to port 7 in f; it has 2 flows: 10\.98\.72\.1:40000 > 10\.98\.72\.2:5000 \(100 datagrams, 10000 bytes\)/);
  });

  it('counts datagrams whose time goes backwards at the previous time and says so', () => {
    const back = concat(shb(), idb(1), epb(0, ts(0), frame(1, 5000, 0)), epb(0, ts(50_000), frame(1, 5000, 1)), epb(0, ts(20_000), frame(1, 5000, 2)), epb(0, ts(60_000), frame(1, 5000, 3)));
    const a = analyze(back, { port: 5000, gapMs: 1000 });
    const r = a.report('b');
    expect(r.packets).toBe(4);
    expect(r.lastPacketMs).toBe(60);
    expect(a.summary().warnings.map((w) => [w.kind, w.count])).toEqual([['time-went-back', 1]]);
  });

  it('says what a file without UDP held, and refuses an unknown format', () => {
    const none = concat(shb(), idb(1), epb(0, ts(0), ethernet(0x0806, new Uint8Array(28))), epb(0, ts(1), ethernet(0x0800, ipv4(S, D, 6, new Uint8Array(20)))));
    expect(() => analyze(none, {}).report('x.pcapng')).toThrow('No UDP datagrams in x.pcapng (2 frames: 1 other IP, 1 not IP, 0 malformed, 0 on unsupported link types).');
    expect(() => new OfflineAnalysis({ decode: 'klingon' })).toThrow(/Unknown payload format "klingon"/);
  });
});

describe('OfflineAnalysis of a merged capture whose interfaces\' clocks are years apart', () => {
  // Interface 0 stamped in 2012, interface 1 in 2022 (as nDPI's rtp.pcapng merges its captures):
  // a 122 ms flow on interface 1 must last 122 ms, not the ten years between the two clocks.
  const years10 = 10 * 365.25 * 86_400_000_000; // µs
  const blocks: Uint8Array[] = [shb(), idb(1), idb(1, { name: 'em1' })];
  for (let i = 0; i < 20; i++) blocks.push(epb(0, ts(i * 10_000), frame(40000, 5000, i)));
  for (let i = 0; i < 13; i++) blocks.push(epb(1, ts(years10 + 1000 + i * 10_166), frame(40001, 6000, i)));
  const file = concat(...blocks);

  it('times each flow from the first frame of its own stretch of time, and names the interface', () => {
    const a = analyze(file, { port: 6000, gapMs: 50 });
    const r = a.report('merged.pcapng');
    expect(r.lastPacketMs! - r.firstPacketMs!).toBeCloseTo(122, 1);
    expect(r.firstPacketMs).toBe(0);
    expect(r.durationMs).toBeCloseTo(122, 1);
    expect(r.bins.length).toBeLessThan(5);
    expect(r.capture.warnings).toMatchObject([{ kind: 'clock-jump-1' }]);
    expect(r.capture.warnings[0]!.message).toMatch(/^Interface 1 \(em1\)'s clock is 10\.0 years ahead/);
    expect(a.originOf(r.stream.flow as string)).toBe((T0 + years10 + 1000) / 1000);
    // The flow on the first interface still starts at the file's first frame.
    const first = analyze(file, { port: 5000, gapMs: 50 }).report('merged.pcapng');
    expect([first.firstPacketMs, first.durationMs]).toEqual([0, 190]);
  });
});
