/**
 * Captures for the import tests, made from outside the product: tshark reads a real capture's UDP
 * datagrams, and a classic pcap (raw IP, microseconds: the simplest format every reader takes) is
 * written from them, with some left out or readdressed as a NAT would. Gapscope's own pcapng code is
 * what these tests check, so it is not used to make their inputs.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';

/** One UDP datagram as tshark dissected it. */
export interface Datagram {
  /** Microseconds since the epoch. */
  timeUs: bigint;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  payload: Buffer;
}

/** The flow id as Gapscope names it: `src:port > dst:port`, IPv6 in brackets. */
export function flowIdOf(d: Pick<Datagram, 'src' | 'srcPort' | 'dst' | 'dstPort'>): string {
  const end = (a: string, p: number) => (isIPv4(a) ? `${a}:${p}` : `[${a}]:${p}`);
  return `${end(d.src, d.srcPort)} > ${end(d.dst, d.dstPort)}`;
}

/** Every UDP datagram of a capture in order (those quoted inside ICMP errors left out), read by tshark. */
export function readDatagrams(file: string): Datagram[] {
  const fields = ['frame.time_epoch', 'ip.src', 'ipv6.src', 'udp.srcport', 'ip.dst', 'ipv6.dst', 'udp.dstport', 'udp.payload'];
  const out = execFileSync('tshark', ['-r', file, '-Y', 'udp && !icmp && !icmpv6', '-T', 'fields', '-E', 'separator=/t', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => {
      const [t, ip4s, ip6s, sp, ip4d, ip6d, dp, hex] = line.split('\t');
      const [sec, frac = ''] = t!.split('.');
      return {
        timeUs: BigInt(sec!) * 1_000_000n + BigInt((frac + '000000').slice(0, 6)),
        src: ip4s || ip6s!,
        srcPort: Number(sp),
        dst: ip4d || ip6d!,
        dstPort: Number(dp),
        payload: Buffer.from((hex ?? '').replace(/:/g, ''), 'hex'),
      };
    });
}

function ipv4Bytes(a: string): Buffer {
  return Buffer.from(a.split('.').map(Number));
}

function ipv6Bytes(a: string): Buffer {
  const [head, tail] = a.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}

function onesComplement(parts: Buffer[]): number {
  let sum = 0;
  for (const p of parts) for (let i = 0; i < p.length; i += 2) sum += (p[i]! << 8) + (p[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff || 0xffff;
}

// IP + UDP headers around the payload, checksums included.
function ipPacket(d: Datagram): Buffer {
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(d.srcPort, 0);
  udp.writeUInt16BE(d.dstPort, 2);
  udp.writeUInt16BE(8 + d.payload.length, 4);
  if (isIPv4(d.src)) {
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + 8 + d.payload.length, 2);
    ip[8] = 64;
    ip[9] = 17;
    ipv4Bytes(d.src).copy(ip, 12);
    ipv4Bytes(d.dst).copy(ip, 16);
    ip.writeUInt16BE(onesComplement([ip]), 10);
    return Buffer.concat([ip, udp, d.payload]);
  }
  const ip = Buffer.alloc(40);
  ip[0] = 0x60;
  ip.writeUInt16BE(8 + d.payload.length, 4);
  ip[6] = 17;
  ip[7] = 64;
  ipv6Bytes(d.src).copy(ip, 8);
  ipv6Bytes(d.dst).copy(ip, 24);
  const pseudo = Buffer.alloc(8);
  pseudo.writeUInt32BE(8 + d.payload.length, 0);
  pseudo[7] = 17;
  udp.writeUInt16BE(onesComplement([ip.subarray(8, 40), pseudo, udp, d.payload.length % 2 ? Buffer.concat([d.payload, Buffer.alloc(1)]) : d.payload]), 6);
  return Buffer.concat([ip, udp, d.payload]);
}

/** Writes the datagrams as a classic pcap with raw-IP frames (LINKTYPE_RAW, 101). */
export function writePcap(file: string, datagrams: Iterable<Datagram>): void {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(101, 20);
  const parts: Buffer[] = [header];
  for (const d of datagrams) {
    const packet = ipPacket(d);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Number(d.timeUs / 1_000_000n), 0);
    rec.writeUInt32LE(Number(d.timeUs % 1_000_000n), 4);
    rec.writeUInt32LE(packet.length, 8);
    rec.writeUInt32LE(packet.length, 12);
    parts.push(rec, packet);
  }
  writeFileSync(file, Buffer.concat(parts));
}

/** Copies a capture's datagrams without those `drop` picks (by flow and index within it), optionally readdressing a flow; returns how many were left out. */
export function copyWithout(from: string, to: string, drop: (flowId: string, index: number) => boolean, dstOf?: (flowId: string) => { address: string; port: number } | null): number {
  const seen = new Map<string, number>();
  let dropped = 0;
  const kept: Datagram[] = [];
  for (const d of readDatagrams(from)) {
    const id = flowIdOf(d);
    const i = seen.get(id) ?? 0;
    seen.set(id, i + 1);
    if (drop(id, i)) {
      dropped += 1;
      continue;
    }
    const dst = dstOf?.(id);
    kept.push(dst ? { ...d, dst: dst.address, dstPort: dst.port } : d);
  }
  writePcap(to, kept);
  return dropped;
}
