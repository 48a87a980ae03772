/** The UDP flows in a capture (source → destination, address and port), so the user can pick one. */
import { formatEndpoint, parseIPv4, parseIPv6 } from '../net/address';
import { GapscopeError } from '../errors';
import type { UdpDatagram } from './udpExtractor';

/** One direction of UDP traffic between two endpoints, as seen in a capture. */
export interface UdpFlow {
  /** "src > dst" with addresses and ports, as `--flow` accepts it. */
  id: string;
  family: 4 | 6;
  srcAddress: string;
  srcPort: number;
  dstAddress: string;
  dstPort: number;
  packets: number;
  /** UDP payload bytes, as `listen` counts them. */
  bytes: number;
  /** Capture times of the first and last datagram, ms since the epoch. */
  firstMs: number;
  lastMs: number;
  /** Datagrams reassembled from IP fragments. */
  reassembled: number;
}

/** Flows tracked; more than this in one file is counted, not listed (a scan or a flood). */
export const MAX_FLOWS = 100_000;

/** The "src > dst" text of a datagram's flow. */
export function flowId(d: Pick<UdpDatagram, 'srcAddress' | 'srcPort' | 'dstAddress' | 'dstPort'>): string {
  return `${formatEndpoint(d.srcAddress, d.srcPort)} > ${formatEndpoint(d.dstAddress, d.dstPort)}`;
}

/** Slots of the flow table's cache of recent flows, indexed by the ports (a power of two). */
const RECENT_SLOTS = 256;

/** Counts datagrams per flow, in bounded memory. */
export class FlowTable {
  private readonly flows = new Map<string, UdpFlow>();
  // The flow last seen per slot of ports: most datagrams find theirs here without their id's text
  // being made (building and hashing that string per datagram was the table's whole cost).
  private readonly recent: (UdpFlow | undefined)[] = new Array<UdpFlow | undefined>(RECENT_SLOTS);
  /** Datagrams of flows beyond MAX_FLOWS. */
  overflowPackets = 0;

  constructor(private readonly maxFlows = MAX_FLOWS) {}

  /** Counts one datagram; returns its flow (null when the table is full and the flow is new). */
  add(d: UdpDatagram): UdpFlow | null {
    const slot = (d.srcPort * 31 + d.dstPort) & (RECENT_SLOTS - 1);
    let f = this.recent[slot];
    if (f === undefined || f.srcPort !== d.srcPort || f.dstPort !== d.dstPort || f.srcAddress !== d.srcAddress || f.dstAddress !== d.dstAddress) f = this.lookUp(d, slot);
    if (!f) return null;
    f.packets += 1;
    f.bytes += d.payload.byteLength;
    if (d.timeMs < f.firstMs) f.firstMs = d.timeMs;
    if (d.timeMs > f.lastMs) f.lastMs = d.timeMs;
    if (d.reassembled) f.reassembled += 1;
    return f;
  }

  private lookUp(d: UdpDatagram, slot: number): UdpFlow | undefined {
    const id = flowId(d);
    let f = this.flows.get(id);
    if (!f) {
      if (this.flows.size >= this.maxFlows) {
        this.overflowPackets += 1;
        return undefined;
      }
      f = { id, family: d.family, srcAddress: d.srcAddress, srcPort: d.srcPort, dstAddress: d.dstAddress, dstPort: d.dstPort, packets: 0, bytes: 0, firstMs: d.timeMs, lastMs: d.timeMs, reassembled: 0 };
      this.flows.set(id, f);
    }
    this.recent[slot] = f;
    return f;
  }

  /** All flows, most packets first. */
  list(): UdpFlow[] {
    return [...this.flows.values()].sort((a, b) => b.packets - a.packets || a.id.localeCompare(b.id));
  }
}

/** One end of a `--flow` choice: an address, a port, or both; null fields match anything. */
export interface EndpointPattern {
  address: string | null;
  port: number | null;
}

/** Which flow to analyze: `SRC>DST`, each side `addr:port`, `[v6]:port`, `addr`, `:port` or `*`. */
export interface FlowSelector {
  src: EndpointPattern;
  dst: EndpointPattern;
}

/** Parses `--flow`; a GapscopeError ('invalid-argument') says what is wrong. */
export function parseFlowSelector(text: string): FlowSelector {
  const sides = text.split('>');
  if (sides.length !== 2) throw new GapscopeError('invalid-argument', `--flow must be SRC>DST (e.g. 10.0.0.1:5000>10.0.0.2:4000), got "${text}".`);
  return { src: parseEndpointPattern(sides[0]!.trim(), text), dst: parseEndpointPattern(sides[1]!.trim(), text) };
}

function parseEndpointPattern(t: string, whole: string): EndpointPattern {
  const bad = (): GapscopeError =>
    new GapscopeError('invalid-argument', `--flow: "${t}" is not an endpoint; use ADDR:PORT, [IPv6]:PORT, ADDR, :PORT or * (in "${whole}").`);
  if (t === '*' || t === '') return { address: null, port: null };
  const port = (p: string): number => {
    if (!/^\d{1,5}$/.test(p) || Number(p) > 65535) throw bad();
    return Number(p);
  };
  const bracket = /^\[([^\]]+)\](?::(\d+|\*))?$/.exec(t);
  if (bracket) {
    if (!parseIPv6(bracket[1]!)) throw bad();
    return { address: canonicalV6(bracket[1]!), port: bracket[2] && bracket[2] !== '*' ? port(bracket[2]) : null };
  }
  if (t.startsWith(':')) return { address: null, port: port(t.slice(1)) };
  if (parseIPv6(t)) return { address: canonicalV6(t), port: null };
  const m = /^([^:]+)(?::(\d+|\*))?$/.exec(t);
  if (!m || !parseIPv4(m[1]!)) throw bad();
  return { address: m[1]!, port: m[2] && m[2] !== '*' ? port(m[2]) : null };
}

function canonicalV6(text: string): string {
  const parsed = parseIPv6(text)!;
  const b = parsed.bytes;
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) groups.push(((b[2 * i]! << 8) | b[2 * i + 1]!).toString(16));
  // Compare by the full form: both sides are expanded the same way.
  return groups.join(':');
}

function expandV6(address: string): string {
  return parseIPv6(address) ? canonicalV6(address) : address;
}

/** True when a flow matches the selector (and the destination port, when given). */
export function flowMatches(f: Pick<UdpFlow, 'family' | 'srcAddress' | 'srcPort' | 'dstAddress' | 'dstPort'>, selector: FlowSelector | null, dstPort: number | null): boolean {
  if (dstPort !== null && f.dstPort !== dstPort) return false;
  if (!selector) return true;
  return sideMatches(selector.src, f.family, f.srcAddress, f.srcPort) && sideMatches(selector.dst, f.family, f.dstAddress, f.dstPort);
}

function sideMatches(p: EndpointPattern, family: 4 | 6, address: string, port: number): boolean {
  if (p.port !== null && p.port !== port) return false;
  if (p.address === null) return true;
  return family === 6 ? expandV6(address) === p.address : address === p.address;
}
