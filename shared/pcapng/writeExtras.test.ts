import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../timeline';
import { utf8 } from './write';
import { EVENT_DETAIL_CHARS, LINKTYPE_UPPER_PDU, exportedPdu, mdnsDatagramBlock, mdnsInterfaceBlock, timelineEventBlock, timelineEventComment, timelineEventLine, timelineInterfaceBlock } from './writeExtras';

const event = (over: Partial<TimelineEvent> = {}): TimelineEvent => ({ id: 1, at: 1_795_000_000_000, source: 'bonjour', kind: 'service-added', severity: 'info', summary: '"Lab Web ☕" appeared on vins', ...over });
/** True when the bytes hold the UTF-8 of text somewhere. */
function holds(b: Uint8Array, text: string): boolean {
  const t = utf8(text);
  outer: for (let i = 0; i + t.length <= b.length; i++) {
    for (let k = 0; k < t.length; k++) if (b[i + k] !== t[k]) continue outer;
    return true;
  }
  return false;
}

describe('the extras of a session capture', () => {
  it('wraps a payload as an exported PDU: the dissector name tag padded to 4 bytes with a NUL, the end tag, the payload', () => {
    const p = exportedPdu('syslog', Uint8Array.of(1, 2, 3));
    // syslog = 6 bytes + NUL, padded to 8.
    expect([...p]).toEqual([0, 12, 0, 8, ...utf8('syslog'), 0, 0, 0, 0, 0, 0, 1, 2, 3]);
    const exact = exportedPdu('json', new Uint8Array(0));
    // "json" is 4 bytes: the NUL needs a whole extra word.
    expect([...exact.subarray(0, 4)]).toEqual([0, 12, 0, 8]);
  });

  it('writes an event as a syslog line whose level is the severity, on one line, the detail cut', () => {
    expect(timelineEventLine(event())).toBe('<14>gapscope bonjour service-added: "Lab Web ☕" appeared on vins');
    expect(timelineEventLine(event({ severity: 'warning', source: 'network', kind: 'interface-down', summary: 'vins\nwent down', detail: { iface: 'vins' } }))).toBe('<12>gapscope network interface-down: vins went down {"iface":"vins"}');
    expect(timelineEventLine(event({ severity: 'error' }))).toMatch(/^<11>/);
    const long = timelineEventLine(event({ detail: { blob: 'x'.repeat(10_000) } }));
    expect(long.length).toBeLessThan(EVENT_DETAIL_CHARS + 200);
    expect(long.endsWith('…')).toBe(true);
    expect(timelineEventComment(event())).toBe('Gapscope timeline (info): [bonjour service-added] "Lab Web ☕" appeared on vins');
  });

  it('puts the event in an enhanced packet block on the timeline interface, at its time, with its comment', () => {
    const b = timelineEventBlock(3, event());
    const v = new DataView(b.buffer);
    expect(v.getUint32(0, true)).toBe(6);
    expect(v.getUint32(8, true)).toBe(3);
    const us = BigInt(v.getUint32(12, true)) * 2n ** 32n + BigInt(v.getUint32(16, true));
    expect(us).toBe(1_795_000_000_000_000n);
    expect(holds(b, '<14>gapscope bonjour service-added')).toBe(true);
    expect(holds(b, 'Gapscope timeline (info)')).toBe(true);
    const idb = timelineInterfaceBlock();
    expect(new DataView(idb.buffer).getUint16(8, true)).toBe(LINKTYPE_UPPER_PDU);
  });

  it('rebuilds an mDNS datagram from the responder to the group of its family, port 5353', () => {
    const data = Uint8Array.of(0, 0, 0x84, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    const v4 = mdnsDatagramBlock(2, { at: 1000, source: '10.98.50.1', port: 5353, data })!;
    const ip4 = v4.subarray(28);
    expect(ip4[0]).toBe(0x45);
    expect([...ip4.subarray(12, 16)]).toEqual([10, 98, 50, 1]);
    expect([...ip4.subarray(16, 20)]).toEqual([224, 0, 0, 251]);
    expect((ip4[22]! << 8) | ip4[23]!).toBe(5353);
    const mapped = mdnsDatagramBlock(2, { at: 1000, source: '::ffff:10.98.50.1', port: 5353, data })!;
    expect(mapped.subarray(28)[0]).toBe(0x45);
    const v6 = mdnsDatagramBlock(2, { at: 1000, source: 'fe80::1%vins', port: 5353, data })!;
    const ip6 = v6.subarray(28);
    expect(ip6[0]! >> 4).toBe(6);
    expect([...ip6.subarray(24, 40)]).toEqual([0xff, 0x02, ...new Array(13).fill(0), 0xfb]);
    expect(mdnsDatagramBlock(2, { at: 1000, source: 'not an address', port: 5353, data })).toBeNull();
    expect(holds(mdnsInterfaceBlock('vins'), 'vins (mDNS, Bonjour browser)')).toBe(true);
  });
});
