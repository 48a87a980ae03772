// Frames → UDP datagrams on every link layer, through VLAN tags and IPv6 extension headers, with
// IPv4 and IPv6 fragments reassembled in bounded memory and the rest counted, never dropped silently.
import { describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../pcapng/read';
import { Bytes, concat, ethernet, ext8, frag6, ipv4, ipv6, udp } from '../pcapng/testing/readTestFiles';
import { FragmentReassembler } from './fragments';
import { LinkType } from './linkLayer';
import { MAX_TUNNEL_DEPTH, UdpExtractor, ipv6Text, type UdpDatagram } from './udpExtractor';

const S4 = [10, 98, 72, 1];
const D4 = [10, 98, 72, 2];
const S6 = [0xfd, 0, 0, 0x98, 0, 0x72, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const D6 = [0xfd, 0, 0, 0x98, 0, 0x72, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

function run(frames: [number, Uint8Array][], limits?: ConstructorParameters<typeof FragmentReassembler>[0]): { got: UdpDatagram[]; x: UdpExtractor } {
  const got: UdpDatagram[] = [];
  const x = new UdpExtractor((d) => got.push({ ...d, payload: d.payload.slice() }), limits ? { fragments: limits } : {});
  frames.forEach(([linkType, data], i) => x.onRecord({ linkType, interfaceId: 0, timeMs: i * 10, data, originalLength: data.byteLength, offset: i } satisfies CaptureRecord));
  x.finish();
  return { got, x };
}

const payload = (n: number, fill = 7): Uint8Array => new Uint8Array(n).fill(fill);
const u4 = (p: Uint8Array): Uint8Array => ipv4(S4, D4, 17, udp(40000, 5000, p));
const u6 = (p: Uint8Array): Uint8Array => ipv6(S6, D6, 17, udp(40001, 5001, p));

describe('link layers', () => {
  it('finds the datagram behind every supported link-layer header', () => {
    const sll = concat(new Bytes(false).u16(0).u16(1).u16(6).bytes([1, 2, 3, 4, 5, 6, 0, 0]).u16(0x0800).done(), u4(payload(10)));
    const sll2 = concat(new Bytes(false).u16(0x86dd).u16(0).u32(2).u16(1).u8(0).u8(6).bytes([1, 2, 3, 4, 5, 6, 0, 0]).done(), u6(payload(11)));
    const nullLe = concat(Uint8Array.from([2, 0, 0, 0]), u4(payload(12)));
    const nullBe6 = concat(Uint8Array.from([0, 0, 0, 30]), u6(payload(13))); // written on a big-endian Mac
    const loop6 = concat(Uint8Array.from([0, 0, 0, 24]), u6(payload(14)));
    const { got, x } = run([
      [LinkType.ETHERNET, ethernet(0x0800, u4(payload(9)))],
      [LinkType.LINUX_SLL, sll],
      [LinkType.LINUX_SLL2, sll2],
      [LinkType.NULL, nullLe],
      [LinkType.NULL, nullBe6],
      [LinkType.LOOP, loop6],
      [LinkType.RAW, u4(payload(15))],
      [LinkType.IPV6, u6(payload(16))],
      [LinkType.RAW_OPENBSD, u4(payload(17))],
      [147, u4(payload(18))], // a private link type: counted, not read
      [LinkType.ETHERNET, ethernet(0x0806, payload(28))], // ARP
    ]);
    expect(got.map((d) => [d.family, d.srcAddress, d.dstAddress, d.dstPort, d.payload.byteLength])).toEqual([
      [4, '10.98.72.1', '10.98.72.2', 5000, 9],
      [4, '10.98.72.1', '10.98.72.2', 5000, 10],
      [6, 'fd00:98:72::1', 'fd00:98:72::2', 5001, 11],
      [4, '10.98.72.1', '10.98.72.2', 5000, 12],
      [6, 'fd00:98:72::1', 'fd00:98:72::2', 5001, 13],
      [6, 'fd00:98:72::1', 'fd00:98:72::2', 5001, 14],
      [4, '10.98.72.1', '10.98.72.2', 5000, 15],
      [6, 'fd00:98:72::1', 'fd00:98:72::2', 5001, 16],
      [4, '10.98.72.1', '10.98.72.2', 5000, 17],
    ]);
    expect(x.stats).toMatchObject({ frames: 11, udpDatagrams: 9, unsupportedLinkType: 1, notIp: 1 });
    expect(x.warnings.list()[0]!.message).toMatch(/link type 147 are not read/);
  });

  it('crosses 802.1Q and stacked 802.1ad + 802.1Q tags', () => {
    const { got, x } = run([
      [LinkType.ETHERNET, ethernet(0x0800, u4(payload(5)), [[0x8100, 5]])],
      [LinkType.ETHERNET, ethernet(0x86dd, u6(payload(6)), [[0x88a8, 100], [0x8100, 7]])],
      [LinkType.ETHERNET, ethernet(0x0800, u4(payload(7)), [[0x9100, 1], [0x88a8, 2], [0x8100, 3]])],
    ]);
    expect(got.map((d) => d.payload.byteLength)).toEqual([5, 6, 7]);
    expect(x.stats.vlanTagged).toBe(3);
  });
});

describe('IP', () => {
  it('walks IPv6 extension headers (hop-by-hop, routing, destination options, AH) up to UDP', () => {
    const ah = concat(Uint8Array.from([17, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]), udp(1, 2, payload(3))); // AH: (2+2)*4 = 16 bytes
    const body = ext8(43, ext8(60, ext8(51, ah)));
    const { got } = run([[LinkType.RAW, ipv6(S6, D6, 0, body)]]);
    expect(got.map((d) => [d.srcPort, d.dstPort, d.payload.byteLength])).toEqual([[1, 2, 3]]);
  });

  it('counts TCP, ICMP and IPv6 "no next header" as other IP, not as datagrams', () => {
    const { got, x } = run([
      [LinkType.RAW, ipv4(S4, D4, 6, payload(20))],
      [LinkType.RAW, ipv6(S6, D6, 59, new Uint8Array(0))],
      [LinkType.RAW, ipv6(S6, D6, 58, payload(8))],
    ]);
    expect(got).toHaveLength(0);
    expect(x.stats.otherIp).toBe(3);
  });

  it('counts the full size of datagrams the snap length cut, and says so', () => {
    const frame = ethernet(0x0800, u4(payload(1000, 9)));
    const { got, x } = run([[LinkType.ETHERNET, frame.subarray(0, 14 + 20 + 8 + 100)]]);
    expect(got[0]!.payload.byteLength).toBe(1000);
    expect(got[0]!.missingBytes).toBe(900);
    expect(got[0]!.payload[99]).toBe(9);
    expect(got[0]!.payload[100]).toBe(0);
    expect(x.stats.snapTruncated).toBe(1);
  });

  it('ignores Ethernet padding after a short IP packet', () => {
    const frame = concat(ethernet(0x0800, u4(payload(2))), new Uint8Array(20));
    expect(run([[LinkType.ETHERNET, frame]]).got[0]!.payload.byteLength).toBe(2);
  });

  it('counts malformed headers and never reads past the frame', () => {
    const badIhl = u4(payload(4)).slice();
    badIhl[0] = 0x41;
    const shortUdp = ipv4(S4, D4, 17, Uint8Array.from([0, 1, 0, 2, 0, 4, 0, 0]));
    const { got, x } = run([
      [LinkType.RAW, badIhl],
      [LinkType.RAW, shortUdp],
      [LinkType.RAW, u4(payload(4)).subarray(0, 24)],
      [LinkType.ETHERNET, Uint8Array.from([1, 2, 3])],
      [LinkType.RAW, ipv6(S6, D6, 0, Uint8Array.from([0, 200]))],
    ]);
    expect(got).toHaveLength(0);
    expect(x.stats.malformed).toBe(5);
    expect(x.warnings.list().map((w) => w.kind)).toEqual(['bad-ipv4-header', 'bad-udp-length', 'short-udp', 'short-frame', 'short-ipv6']);
  });

  it('formats IPv6 addresses as RFC 5952 says', () => {
    const t = (g: number[]): string => ipv6Text(new Bytes(false).bytes(g.flatMap((x) => [x >> 8, x & 0xff])).done(), 0);
    expect(t([0xfd00, 0x98, 0x72, 0, 0, 0, 0, 1])).toBe('fd00:98:72::1');
    expect(t([0, 0, 0, 0, 0, 0, 0, 0])).toBe('::');
    expect(t([0x2001, 0xdb8, 0, 1, 0, 0, 0, 1])).toBe('2001:db8:0:1::1');
    expect(t([0x2001, 0xdb8, 1, 1, 1, 1, 0, 1])).toBe('2001:db8:1:1:1:1:0:1');
    expect(t([0, 0, 0, 0, 0, 0xffff, 0x0a62, 0x4801])).toBe('::ffff:10.98.72.1');
  });
});

describe('fragments', () => {
  const whole = udp(40000, 5010, Uint8Array.from({ length: 3992 }, (_, i) => i & 0xff)); // 4000 bytes of UDP
  const v4 = (at: number, end: number, more: boolean, id = 7): Uint8Array => ipv4(S4, D4, 17, whole.subarray(at, end), { id, offset: at, more });
  const v6 = (at: number, end: number, more: boolean, id = 9): Uint8Array => ipv6(S6, D6, 44, frag6(17, at, more, id, whole.subarray(at, end)));

  it('reassembles IPv4 and IPv6 datagrams from fragments in any order, at the last fragment\u2019s time', () => {
    const { got, x } = run([
      [LinkType.RAW, v4(1480, 2960, true)],
      [LinkType.RAW, v6(0, 1448, true)],
      [LinkType.RAW, v4(2960, 4000, false)],
      [LinkType.RAW, v6(2896, 4000, false)],
      [LinkType.RAW, v4(0, 1480, true)],
      [LinkType.RAW, v6(1448, 2896, true)],
    ]);
    expect(got.map((d) => [d.family, d.timeMs, d.payload.byteLength, d.reassembled])).toEqual([
      [4, 40, 3992, true],
      [6, 50, 3992, true],
    ]);
    expect(got[0]!.payload).toEqual(whole.subarray(8));
    expect(got[1]!.payload).toEqual(whole.subarray(8));
    expect(x.fragments.stats).toMatchObject({ fragments: 6, reassembled: 2, lostFragments: 0 });
  });

  it('reports datagrams missing a fragment at the end of the capture', () => {
    const { got, x } = run([
      [LinkType.RAW, v4(0, 1480, true)],
      [LinkType.RAW, v4(2960, 4000, false)],
    ]);
    expect(got).toHaveLength(0);
    expect(x.fragments.stats.lost['incomplete-at-end']).toBe(1);
    expect(x.warnings.list().find((w) => w.kind === 'fragments-lost')).toMatchObject({ count: 1, message: expect.stringMatching(/1 fragmented datagrams could not be reassembled \(2 fragments, 2520 bytes\)/) });
  });

  it('bounds memory: caps datagrams waiting and bytes held, times out old ones, refuses impossible fragments', () => {
    const r = new FragmentReassembler({ maxDatagrams: 3, maxBytes: 10_000, timeoutMs: 1000 });
    for (let i = 0; i < 10; i++) r.add(`k${i}`, i, 0, true, new Uint8Array(8));
    expect(r.waiting).toBe(3);
    expect(r.stats.lost.evicted).toBe(7);
    r.add('big', 20, 0, true, new Uint8Array(16_000));
    expect(r.waiting).toBe(0);
    r.add('old', 100, 0, true, new Uint8Array(8));
    r.add('new', 2000, 0, true, new Uint8Array(8));
    expect(r.stats.lost.timeout).toBe(1);
    expect(r.add('x', 2000, 65_528, false, new Uint8Array(16))).toBeNull();
    expect(r.add('y', 2000, 0, true, new Uint8Array(7))).toBeNull();
    expect(r.stats.lost.invalid).toBe(2);
  });

  it('lets a later fragment win an overlap and still completes', () => {
    const r = new FragmentReassembler();
    expect(r.add('k', 0, 0, true, new Uint8Array(16).fill(1))).toBeNull();
    expect(r.add('k', 0, 8, true, new Uint8Array(16).fill(2))).toBeNull();
    const out = r.add('k', 0, 24, false, new Uint8Array(4).fill(3));
    expect([...out!]).toEqual([...new Array(8).fill(1), ...new Array(16).fill(2), ...new Array(4).fill(3)]);
  });
});

describe('encapsulations: what tunnels and PPPoE carry is read like any other packet', () => {
  const be = (): Bytes => new Bytes(false);
  const inner4 = (port: number, n: number): Uint8Array => ipv4([192, 0, 2, 1], [192, 0, 2, 2], 17, udp(1000, port, payload(n)));
  const inner6 = (port: number, n: number): Uint8Array => ipv6(S6, D6, 17, udp(1000, port, payload(n)));
  const ports = (got: UdpDatagram[]): [number, number][] => got.map((d) => [d.dstPort, d.payload.byteLength]);

  it('reads UDP over a PPPoE session, behind a QinQ pair, and over MPLS', () => {
    const pppoe = (proto: number, body: Uint8Array): Uint8Array => concat(be().u8(0x11).u8(0).u16(0x1234).u16(body.byteLength + 2).u16(proto).done(), body);
    const mpls = (body: Uint8Array): Uint8Array => concat(be().u32((100 << 12) | 64).u32((200 << 12) | 0x100 | 64).done(), body); // two labels, bottom of stack on the second
    const { got, x } = run([
      [LinkType.ETHERNET, ethernet(0x8864, pppoe(0x0021, inner4(7001, 1)))],
      [LinkType.ETHERNET, ethernet(0x8864, pppoe(0x0057, inner6(7002, 2)), [[0x88a8, 10], [0x8100, 20]])],
      [LinkType.ETHERNET, ethernet(0x8864, pppoe(0xc021, payload(10)))], // LCP: PPP's own, not IP
      [LinkType.ETHERNET, ethernet(0x8847, mpls(inner4(7003, 3)))],
      [LinkType.ETHERNET, ethernet(0x8847, mpls(payload(30, 0)))], // a pseudowire (control word 0)
    ]);
    expect(ports(got)).toEqual([[7001, 1], [7002, 2], [7003, 3]]);
    expect(x.stats).toMatchObject({ pppoe: 3, mpls: 2, vlanTagged: 1, notIp: 1 });
    expect(x.warnings.list()).toMatchObject([{ kind: 'not-read: MPLS payloads that are not IP (pseudowires)', count: 1 }]);
  });

  it('opens IPv4-in-IPv4, IPv6-in-IPv4, IPv4-in-IPv6 and IPv6-in-IPv6, and AH in IPv4', () => {
    const ah = (next: number, body: Uint8Array): Uint8Array => concat(Uint8Array.from([next, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), body); // (4+2)*4 = 24 bytes
    const { got, x } = run([
      [LinkType.RAW, ipv4(S4, D4, 4, inner4(7011, 1))],
      [LinkType.RAW, ipv4(S4, D4, 41, inner6(7012, 2))],
      [LinkType.RAW, ipv6(S6, D6, 4, inner4(7013, 3))],
      [LinkType.RAW, ipv6(S6, D6, 41, inner6(7014, 4))],
      [LinkType.RAW, ipv4(S4, D4, 51, ah(17, udp(1, 7015, payload(5))))],
      [LinkType.RAW, ipv4(S4, D4, 51, ah(4, inner4(7016, 6)))],
      [LinkType.RAW, ipv4(S4, D4, 4, inner6(7017, 7))], // says IPv4 inside, holds IPv6
    ]);
    expect(ports(got)).toEqual([[7011, 1], [7012, 2], [7013, 3], [7014, 4], [7015, 5], [7016, 6]]);
    expect(got[0]).toMatchObject({ srcAddress: '192.0.2.1', dstAddress: '192.0.2.2' });
    expect(x.stats.tunneled).toBe(5);
    expect(x.warnings.list()).toMatchObject([{ kind: 'bad-tunnel', count: 1 }]);
  });

  it('opens GRE: plain, with checksum/key/sequence, Ethernet bridging, PPTP (version 1) with PPP; says which it does not', () => {
    const gre = (flags: number, proto: number, extra: number, body: Uint8Array): Uint8Array => concat(be().u16(flags).u16(proto).done(), new Uint8Array(extra), body);
    const { got, x } = run([
      [LinkType.RAW, ipv4(S4, D4, 47, gre(0, 0x0800, 0, inner4(7021, 1)))],
      [LinkType.RAW, ipv4(S4, D4, 47, gre(0xb000, 0x86dd, 12, inner6(7022, 2)))], // C, K, S: 12 more bytes
      [LinkType.RAW, ipv6(S6, D6, 47, gre(0x2000, 0x6558, 4, ethernet(0x0800, inner4(7023, 3))))],
      [LinkType.RAW, ipv4(S4, D4, 47, gre(0x3081, 0x880b, 12, concat(Uint8Array.from([0xff, 0x03, 0x00, 0x21]), inner4(7024, 4))))], // K, S and A, version 1: 12 more bytes; PPP
      [LinkType.RAW, ipv4(S4, D4, 47, gre(0, 0x8200, 0, payload(40)))], // Aruba's 802.11: not read
    ]);
    expect(ports(got)).toEqual([[7021, 1], [7022, 2], [7023, 3], [7024, 4]]);
    expect(x.warnings.list()).toMatchObject([{ kind: 'not-read: GRE payloads of protocol type 0x8200', count: 1 }]);
    expect(x.warnings.list()[0]!.message).toMatch(/any UDP inside them is not counted/);
  });

  it('counts a UDP tunnel datagram and the datagrams it carries: VXLAN, Geneve, GTP-U, Teredo, MPLS-in-UDP', () => {
    const vxlan = be().u8(0x08).bytes([0, 0, 0]).u32(42 << 8).done();
    const geneve = be().u8(1).u8(0).u16(0x6558).u32(7 << 8).done(); // one 4-byte option word
    const gtp = be().u8(0x34).u8(0xff).u16(0).u32(1).u16(0).u8(0).u8(0x85).done(); // E bit, one extension header follows
    const gtpExt = Uint8Array.from([1, 0, 0, 0]); // length 1 word, next type 0
    const teredo = be().u16(0).u16(3544).bytes([1, 2, 3, 4]).done(); // origin indication
    const mplsLabel = be().u32((16 << 12) | 0x100 | 64).done();
    const { got, x } = run([
      [LinkType.RAW, ipv4(S4, D4, 17, udp(50000, 4789, concat(vxlan, ethernet(0x0800, inner4(7031, 1)))))],
      [LinkType.RAW, ipv4(S4, D4, 17, udp(50000, 6081, concat(geneve, new Uint8Array(4), ethernet(0x86dd, inner6(7032, 2)))))],
      [LinkType.RAW, ipv4(S4, D4, 17, udp(2152, 2152, concat(gtp, gtpExt, inner4(7033, 3))))],
      [LinkType.RAW, ipv4(S4, D4, 17, udp(3544, 50001, concat(teredo, inner6(7034, 4))))],
      [LinkType.RAW, ipv4(S4, D4, 17, udp(50002, 6635, concat(mplsLabel, inner4(7035, 5))))],
    ]);
    expect(ports(got).map(([p]) => p)).toEqual([4789, 7031, 6081, 7032, 2152, 7033, 50001, 7034, 6635, 7035]);
    expect(x.stats).toMatchObject({ udpDatagrams: 10, tunneled: 5 });
  });

  it('reads past an atomic fragment header followed by more extension headers, and stops at an option that overruns its header', () => {
    const atomic = frag6(43, 0, false, 9, ext8(17, udp(1, 7041, payload(1))));
    const bad = concat(Uint8Array.from([17, 0, 0xca, 10, 0, 0, 0, 0]), udp(1, 7042, payload(1))); // option length 10 in an 8-byte header
    const { got, x } = run([
      [LinkType.RAW, ipv6(S6, D6, 44, atomic)],
      [LinkType.RAW, ipv6(S6, D6, 60, bad)],
    ]);
    expect(ports(got)).toEqual([[7041, 1]]);
    expect(x.warnings.list()).toMatchObject([{ kind: 'bad-ipv6-option', count: 1 }]);
  });

  it('reads MACsec frames that are not encrypted, NSH, and PIM Registers; names MACsec encryption and CAPWAP data', () => {
    const secTag = (tci: number): Uint8Array => Uint8Array.from([tci, 0, 0, 0, 0, 1]); // TCI/AN, SL, PN
    const nsh = be().u8(0).u8(2).u8(2).u8(1).u32(0x100ff).done(); // length 2 words (8 bytes), MD type 2, next protocol 1 (IPv4), path 0x100 index 0xff
    const pimRegister = be().u8(0x21).u8(0).u16(0).u32(0).done();
    const capwap = be().u8(0).u8(0x10).u8(0x42).u8(0x00).u32(0).done();
    const { got, x } = run([
      [LinkType.ETHERNET, ethernet(0x88e5, concat(secTag(0x20), new Uint8Array(8), be().u16(0x0800).done(), inner4(7071, 1), new Uint8Array(16)))], // SC bit: an 8-byte SCI; the ICV after
      [LinkType.ETHERNET, ethernet(0x88e5, concat(secTag(0x0c), payload(60)))], // E and C: encrypted
      [LinkType.ETHERNET, ethernet(0x894f, concat(nsh, inner4(7072, 2)))],
      [LinkType.RAW, ipv4(S4, D4, 103, concat(pimRegister, inner4(7073, 3)))],
      [LinkType.RAW, ipv4(S4, D4, 17, udp(50000, 5247, concat(capwap, payload(40))))],
    ]);
    expect(ports(got)).toEqual([[7071, 1], [7072, 2], [7073, 3], [5247, 48]]); // the CAPWAP datagram itself: header and 40 bytes
    expect(x.warnings.list().map((w) => w.kind)).toEqual(['not-read: MACsec frames with encrypted or modified user data', 'not-read: CAPWAP data (wireless frames tunnelled to a controller)']);
  });

  it('stops opening tunnels nested deeper than the limit, and says so', () => {
    let packet = inner4(7051, 1);
    for (let i = 0; i < MAX_TUNNEL_DEPTH + 2; i++) packet = ipv4(S4, D4, 4, packet);
    const { got, x } = run([[LinkType.RAW, packet]]);
    expect(got).toHaveLength(0);
    expect(x.warnings.list()).toMatchObject([{ kind: `not-read: tunnels nested more than ${MAX_TUNNEL_DEPTH} deep`, count: 1 }]);
  });

  it('reads PPP, Cisco HDLC and PKTAP link types, and refuses an IPv4 packet on the raw IPv6 link type', () => {
    const pktap = concat(new Bytes(true).u32(12).u32(1).u32(LinkType.ETHERNET).done(), ethernet(0x0800, inner4(7064, 4)));
    const { got, x } = run([
      [LinkType.PPP, concat(Uint8Array.from([0x00, 0x21]), inner4(7061, 1))],
      [LinkType.PPP_HDLC, concat(Uint8Array.from([0xff, 0x03, 0x00, 0x57]), inner6(7062, 2))],
      [LinkType.C_HDLC, concat(Uint8Array.from([0x0f, 0x00, 0x08, 0x00]), inner4(7063, 3))],
      [LinkType.PKTAP, pktap],
      [LinkType.IPV6, inner4(7065, 5)],
    ]);
    expect(ports(got)).toEqual([[7061, 1], [7062, 2], [7063, 3], [7064, 4]]);
    expect(x.warnings.list()).toMatchObject([{ kind: 'not-read: IPv4 packets on a raw IPv6 link type', count: 1 }]);
  });
});
