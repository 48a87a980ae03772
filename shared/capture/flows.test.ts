// Choosing a flow: `--flow SRC>DST` in the forms people type, matched against what a capture holds.
import { describe, expect, it } from 'vitest';
import { FlowTable, flowId, flowMatches, parseFlowSelector } from './flows';
import type { UdpDatagram } from './udpExtractor';

const v4 = { family: 4 as const, srcAddress: '10.0.0.1', srcPort: 5000, dstAddress: '10.0.0.2', dstPort: 4000 };
const v6 = { family: 6 as const, srcAddress: 'fd00::1', srcPort: 5000, dstAddress: 'fd00:98:72::2', dstPort: 4000 };

describe('--flow', () => {
  it('accepts address:port, [IPv6]:port, a bare address, :port and * on either side', () => {
    expect(flowMatches(v4, parseFlowSelector('10.0.0.1:5000>10.0.0.2:4000'), null)).toBe(true);
    expect(flowMatches(v4, parseFlowSelector(' 10.0.0.1 > :4000 '), null)).toBe(true);
    expect(flowMatches(v4, parseFlowSelector('*>10.0.0.2'), null)).toBe(true);
    expect(flowMatches(v4, parseFlowSelector('10.0.0.1:5001>*'), null)).toBe(false);
    expect(flowMatches(v6, parseFlowSelector('[fd00:0::1]:5000>[fd00:98:72:0:0::2]:4000'), null)).toBe(true);
    expect(flowMatches(v6, parseFlowSelector('fd00::1>*'), null)).toBe(true);
    expect(flowMatches(v6, parseFlowSelector('[fd00::9]>*'), null)).toBe(false);
    expect(flowMatches(v4, null, 4000)).toBe(true);
    expect(flowMatches(v4, null, 4001)).toBe(false);
  });

  it('says what is wrong with a bad one', () => {
    expect(() => parseFlowSelector('10.0.0.1:5000')).toThrow(/--flow must be SRC>DST/);
    expect(() => parseFlowSelector('10.0.0.1:99999>*')).toThrow(/"10\.0\.0\.1:99999" is not an endpoint/);
    expect(() => parseFlowSelector('host.local>*')).toThrow(/not an endpoint/);
    expect(() => parseFlowSelector('[nope]:1>*')).toThrow(/not an endpoint/);
  });
});

describe('FlowTable', () => {
  const d = (over: Partial<UdpDatagram>): UdpDatagram => ({ ...v4, timeMs: 0, payload: new Uint8Array(10), missingBytes: 0, reassembled: false, offset: 0, ...over });

  it('counts datagrams, bytes and first/last times per direction, most datagrams first', () => {
    const t = new FlowTable();
    t.add(d({ timeMs: 5 }));
    t.add(d({ timeMs: 2, reassembled: true }));
    t.add(d({ timeMs: 9 }));
    t.add(d({ srcAddress: '10.0.0.2', dstAddress: '10.0.0.1', payload: new Uint8Array(3) }));
    expect(t.list().map((f) => [f.id, f.packets, f.bytes, f.firstMs, f.lastMs, f.reassembled])).toEqual([
      ['10.0.0.1:5000 > 10.0.0.2:4000', 3, 30, 2, 9, 1],
      ['10.0.0.2:5000 > 10.0.0.1:4000', 1, 3, 0, 0, 0],
    ]);
    expect(flowId({ srcAddress: 'fd00::1', srcPort: 1, dstAddress: 'ff02::fb', dstPort: 5353 })).toBe('[fd00::1]:1 > [ff02::fb]:5353');
  });

  it('keeps apart interleaved flows that its cache of recent flows files in one place (same ports, or ports that hash alike)', () => {
    const t = new FlowTable();
    const sides = [d({}), d({ srcAddress: '10.0.0.3' }), d({ dstAddress: '10.0.0.9' }), d({ srcPort: 1, dstPort: 0 }), d({ srcPort: 0, dstPort: 31 })];
    for (let round = 0; round < 3; round++) for (const [i, x] of sides.entries()) for (let k = 0; k <= i; k++) t.add(x);
    expect(t.list().map((f) => [f.id, f.packets])).toEqual([
      ['10.0.0.1:0 > 10.0.0.2:31', 15],
      ['10.0.0.1:1 > 10.0.0.2:0', 12],
      ['10.0.0.1:5000 > 10.0.0.9:4000', 9],
      ['10.0.0.3:5000 > 10.0.0.2:4000', 6],
      ['10.0.0.1:5000 > 10.0.0.2:4000', 3],
    ]);
  });

  it('stays bounded under a scan of many flows, counting what it could not list', () => {
    const t = new FlowTable(100);
    for (let p = 1; p <= 1000; p++) t.add(d({ srcPort: p }));
    expect(t.list()).toHaveLength(100);
    expect(t.overflowPackets).toBe(900);
  });
});
