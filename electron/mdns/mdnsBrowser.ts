/**
 * Live mDNS/DNS-SD browsing on every multicast interface: one socket per interface and family
 * (IPv4 224.0.0.251, IPv6 ff02::fb) on port 5353 beside the system's responder, continuous
 * querying with back-off and known answers (RFC 6762 §5.2, §7.1), every packet checked before
 * dns-packet decodes it, and the ServiceCache turning answers into added/updated/removed events.
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import dnsPacket from 'dns-packet';
import type { InterfaceInfo } from '../../shared/contract';
import { checkMdnsPacket, type PacketProblem } from '../../shared/mdns/packetGuard';
import { encodeLabelQuery, initialQueryDelayMs, queryIntervalMs } from '../../shared/mdns/queryPlan';
import { SERVICES_NAME, ServiceCache, lowerName, type CacheStats, type ServiceChange, type ServiceInstance, type ServiceType } from '../../shared/mdns/serviceCache';
import { parseIPv4, parseIPv6 } from '../../shared/net/address';
import { listInterfaces } from '../net/interfaces';
import { MDNS_PORT, mdnsGroup, mdnsInterfaces, openMdnsSocket } from './mdnsSocket';

/** How often the cache is expired and due queries are sent. */
const TICK_MS = 100;
/** Our queries stay below a typical MTU; known answers past this are left out. */
const MAX_QUERY_BYTES = 1400;

/** What to browse and where. */
export interface MdnsBrowserOptions {
  /** Service types to query, e.g. "_http._tcp" or "_http._tcp.local"; absent: every type found via `_services._dns-sd._udp`. */
  types?: string[];
  /** Only this interface (by name). */
  iface?: string;
  /** Families to use; default both. */
  families?: Array<'ipv4' | 'ipv6'>;
  /** Ask for unicast answers in the first query (QU bit, RFC 6762 §5.4); default off. */
  unicastResponse?: boolean;
  /** Where interfaces come from (tests give their own). */
  listInterfaces?: () => InterfaceInfo[];
  /** The clock, ms. */
  now?: () => number;
  cache?: ServiceCache;
}

/** A socket the browser opened: its interface, family, and what it counted. */
export interface BrowserSocketInfo {
  iface: string;
  family: 'ipv4' | 'ipv6';
  status: 'open' | 'failed';
  error: string | null;
  packets: number;
  queriesSent: number;
}

/** Counts of what arrived and was dropped before the cache, beside the cache's own counts. */
export interface BrowserStats {
  packets: number;
  responses: number;
  /** Packets refused before decoding, by reason, and packets dns-packet could not decode. */
  dropped: Record<PacketProblem | 'undecodable', number>;
  cache: CacheStats;
  sockets: BrowserSocketInfo[];
}

/** Events: 'added' | 'updated' | 'removed' with a ServiceInstance, 'types' when the list of service types changes, 'warning' with a sentence. */
export interface MdnsBrowserEvents {
  added: [ServiceInstance];
  updated: [ServiceInstance];
  removed: [ServiceInstance];
  types: [ServiceType[]];
  warning: [string];
}

interface QueryState {
  name: string;
  n: number;
  nextAt: number;
}

interface OpenSocket {
  info: BrowserSocketInfo;
  socket: Socket;
  iface: InterfaceInfo;
  queries: Map<string, QueryState>;
}

/** "_http._tcp" → "_http._tcp.local"; a type is looked up with its domain. */
export function fullServiceType(type: string): string {
  const t = type.trim().replace(/\.$/, '');
  return /\.local$/i.test(t) || /\._(tcp|udp)\.[^.]+/i.test(t) ? t : `${t}.local`;
}

/** Whether an IPv4 address lies in an interface's subnet (cidr "a.b.c.d/n"). */
function inSubnet(address: string, cidr: string | null): boolean {
  const a = parseIPv4(address);
  const m = cidr ? /^(.+)\/(\d+)$/.exec(cidr) : null;
  const net = m ? parseIPv4(m[1]!) : null;
  if (!a || !net || !m) return false;
  const bits = Number(m[2]);
  const toInt = (p: number[]): number => ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (toInt(a) & mask) === (toInt(net) & mask);
}

/** Whether an IPv6 address lies in an interface's prefix (cidr "addr/n"). */
function inPrefix6(address: string, cidr: string | null): boolean {
  const a = parseIPv6(address);
  const m = cidr ? /^(.+)\/(\d+)$/.exec(cidr) : null;
  const net = m ? parseIPv6(m[1]!) : null;
  if (!a || !net || !m) return false;
  const bits = Number(m[2]);
  for (let i = 0; i < 16; i++) {
    const take = Math.max(0, Math.min(8, bits - i * 8));
    const mask = take === 0 ? 0 : (0xff << (8 - take)) & 0xff;
    if ((a.bytes[i]! & mask) !== (net.bytes[i]! & mask)) return false;
  }
  return true;
}

/** Encodes a query for one name, with known answers as far as they fit. */
export function encodeQuery(name: string, known: Array<{ name: string; ttl: number; data: string }>, unicastResponse: boolean): Buffer {
  const answers: dnsPacket.Answer[] = [];
  let size = 12 + Buffer.byteLength(name) + 6;
  for (const k of known) {
    // dns-packet splits names at every dot, so an instance label with a dot would be sent as a
    // different name: such known answers are left out (the responder then simply answers).
    const label = k.data.slice(0, k.data.length - k.name.length - 1);
    if (label.includes('.') || !lowerName(k.data).endsWith(`.${lowerName(k.name)}`)) continue;
    const bytes = Buffer.byteLength(k.name) + 2 + 10 + Buffer.byteLength(k.data) + 2;
    if (size + bytes > MAX_QUERY_BYTES) break;
    size += bytes;
    answers.push({ name: k.name, type: 'PTR', ttl: k.ttl, class: 'IN', data: k.data });
  }
  const buf = dnsPacket.encode({ type: 'query', id: 0, flags: 0, questions: [{ name, type: 'PTR', class: 'IN' }], answers });
  if (unicastResponse) {
    // Header, the name (its labels and the root), then the type: the class follows.
    const classOffset = 12 + Buffer.byteLength(name.replace(/^\.|\.$/g, '')) + 2 + 2;
    buf[classOffset] = buf[classOffset]! | 0x80;
  }
  return buf;
}

/**
 * Decodes an mDNS packet, or says why not: checked first (size, counts, compression pointers),
 * then decoded by dns-packet inside try/catch, so a hostile packet is counted, never thrown.
 */
export function decodeMdnsPacket(buf: Buffer): { packet: dnsPacket.Packet } | { problem: PacketProblem | 'undecodable' } {
  const problem = checkMdnsPacket(buf);
  if (problem) return { problem };
  try {
    return { packet: dnsPacket.decode(buf) };
  } catch {
    return { problem: 'undecodable' };
  }
}

/** Browses DNS-SD services over mDNS on every multicast interface and keeps them live. */
export class MdnsBrowser extends EventEmitter<MdnsBrowserEvents> {
  readonly cache: ServiceCache;
  private readonly opts: MdnsBrowserOptions;
  private readonly now: () => number;
  private readonly sockets: OpenSocket[] = [];
  private readonly failed: BrowserSocketInfo[] = [];
  /** Every interface of the machine, also those not browsed, to tell where a packet arrived. */
  private allInterfaces: InterfaceInfo[] = [];
  private timer: NodeJS.Timeout | null = null;
  private typesSignature = '';
  private typesVersionSeen = -1;
  private readonly counts = { packets: 0, responses: 0, dropped: { oversized: 0, truncated: 0, 'compression-loop': 0, 'bad-label': 0, 'too-many-records': 0, undecodable: 0 } };

  constructor(opts: MdnsBrowserOptions = {}) {
    super();
    this.opts = opts;
    this.now = opts.now ?? (() => performance.now());
    this.cache = opts.cache ?? new ServiceCache();
  }

  /** Opens the sockets and starts querying; resolves once every socket is bound and joined (or has failed, with a warning). */
  async start(): Promise<BrowserSocketInfo[]> {
    this.allInterfaces = (this.opts.listInterfaces ?? listInterfaces)();
    const ifaces = mdnsInterfaces(this.allInterfaces, this.opts.iface);
    const families = this.opts.families ?? ['ipv4', 'ipv6'];
    const opened: Promise<void>[] = [];
    for (const iface of ifaces) {
      for (const family of families) {
        if (!iface.addresses.some((a) => a.family === family)) continue;
        opened.push(this.open(iface, family));
      }
    }
    await Promise.all(opened);
    const t0 = this.now();
    for (const s of this.sockets) {
      if (s.info.status !== 'open') continue;
      const names = this.opts.types?.length ? this.opts.types.map(fullServiceType) : [SERVICES_NAME];
      for (const name of names) s.queries.set(lowerName(name), { name, n: 0, nextAt: t0 + initialQueryDelayMs(Math.random()) });
    }
    this.timer = setInterval(() => this.tick(), TICK_MS);
    return [...this.sockets.map((s) => ({ ...s.info })), ...this.failed.map((f) => ({ ...f }))];
  }

  /** Closes every socket; the cache keeps what was found. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all(this.sockets.map((s) => new Promise<void>((resolve) => {
      try {
        s.socket.close(() => resolve());
      } catch {
        resolve();
      }
    })));
    this.sockets.length = 0;
  }

  /** The live instances. */
  instances(): ServiceInstance[] {
    return this.cache.instances();
  }

  /** The service types seen. */
  serviceTypes(): ServiceType[] {
    return this.cache.serviceTypes();
  }

  /** Packets, drops, cache counters and sockets. */
  stats(): BrowserStats {
    return { packets: this.counts.packets, responses: this.counts.responses, dropped: { ...this.counts.dropped }, cache: this.cache.stats(), sockets: [...this.sockets.map((s) => ({ ...s.info })), ...this.failed.map((f) => ({ ...f }))] };
  }

  private async open(iface: InterfaceInfo, family: 'ipv4' | 'ipv6'): Promise<void> {
    const info: BrowserSocketInfo = { iface: iface.name, family, status: 'open', error: null, packets: 0, queriesSent: 0 };
    let socket: Socket;
    try {
      socket = await openMdnsSocket(iface, family);
    } catch (e) {
      info.status = 'failed';
      info.error = e instanceof Error ? e.message : String(e);
      this.failed.push(info);
      this.emit('warning', `mDNS on ${iface.name} (${family}) is unavailable: ${info.error}`);
      return;
    }
    const entry: OpenSocket = { info, socket, iface, queries: new Map() };
    socket.on('error', (e) => this.emit('warning', `mDNS socket on ${iface.name} (${family}): ${e.message}`));
    socket.on('message', (msg, rinfo) => this.onMessage(entry, msg, rinfo));
    this.sockets.push(entry);
  }

  /**
   * The interface a packet came in on. Linux hands every socket bound to 5353 a copy of every
   * mDNS packet whatever interface joined the group (IP_MULTICAST_ALL), so the interface is
   * told by the source: an IPv6 scope, or the IPv4 subnet; null when the source says nothing.
   */
  private arrivalInterface(family: 'ipv4' | 'ipv6', source: string): string | null {
    const pct = source.indexOf('%');
    if (family === 'ipv6' && pct >= 0) {
      const scope = source.slice(pct + 1);
      return this.allInterfaces.find((i) => i.name === scope || String(i.index) === scope)?.name ?? null;
    }
    const inside = family === 'ipv4' ? inSubnet : inPrefix6;
    for (const i of this.allInterfaces) {
      if (i.flags?.loopback) continue;
      if (i.addresses.some((a) => a.family === family && !a.address.toLowerCase().startsWith('fe80') && inside(source, a.cidr))) return i.name;
    }
    return null;
  }

  private onMessage(entry: OpenSocket, msg: Buffer, rinfo: RemoteInfo): void {
    const family = entry.info.family;
    const arrived = this.arrivalInterface(family, rinfo.address);
    // Each packet is taken once: by the socket of the interface it arrived on, or, when that
    // cannot be told, by the first socket of its family.
    // A packet from an interface that is not browsed (--iface) is not ours to take.
    if (arrived !== null ? arrived !== entry.iface.name : this.sockets.find((s) => s.info.family === family) !== entry) return;
    entry.info.packets++;
    this.counts.packets++;
    const decoded = decodeMdnsPacket(msg);
    if ('problem' in decoded) {
      this.counts.dropped[decoded.problem]++;
      return;
    }
    const p = decoded.packet;
    // Queries (ours looped back, or other hosts') carry no news; only responses feed the cache.
    if (p.type !== 'response') return;
    this.counts.responses++;
    const records = [...(p.answers ?? []), ...(p.authorities ?? []), ...(p.additionals ?? [])];
    const source = rinfo.address.split('%')[0]!;
    this.apply(this.cache.ingest({ records, iface: entry.iface.name, source, now: this.now() }));
  }

  private apply(changes: ServiceChange[]): void {
    for (const c of changes) this.emit(c.kind, c.instance);
    // Types change only with instances or _services records: skip the work for a repeat.
    const version = this.cache.typesVersion();
    if (changes.length === 0 && version === this.typesVersionSeen) return;
    this.typesVersionSeen = version;
    const types = this.cache.serviceTypes();
    const sig = types.map((t) => `${lowerName(t.type)}:${t.interfaces.join(',')}:${t.instances}`).join('|');
    if (sig === this.typesSignature) return;
    this.typesSignature = sig;
    this.emit('types', types);
    if (this.opts.types?.length) return;
    // A new type found by enumeration gets its own continuous query on the interfaces it was seen on.
    const now = this.now();
    for (const t of types) {
      for (const s of this.sockets) {
        if (!t.interfaces.includes(s.iface.name) || s.queries.has(lowerName(t.type))) continue;
        s.queries.set(lowerName(t.type), { name: t.type, n: 0, nextAt: now + initialQueryDelayMs(Math.random()) });
      }
    }
  }

  private tick(): void {
    const now = this.now();
    this.apply(this.cache.expire(now));
    // Refreshes of SRV, TXT and addresses before they expire (§5.2), one packet per socket.
    const refresh = this.cache.refreshQueries(now);
    if (refresh.length > 0) {
      for (const s of this.sockets) {
        const mine = refresh.filter((q) => q.iface === s.iface.name);
        if (mine.length === 0) continue;
        s.socket.send(encodeLabelQuery(mine), MDNS_PORT, mdnsGroup(s.info.family, s.iface.name), (e) => {
          if (e) this.emit('warning', `mDNS refresh on ${s.iface.name} (${s.info.family}) failed: ${e.message}`);
        });
        s.info.queriesSent++;
      }
    }
    for (const s of this.sockets) {
      for (const q of s.queries.values()) {
        if (q.nextAt > now) continue;
        const known = this.cache.knownAnswers(q.name, 'PTR', s.iface.name, now, s.info.family);
        const buf = encodeQuery(q.name, known, q.n === 0 && this.opts.unicastResponse === true);
        const group = mdnsGroup(s.info.family, s.iface.name);
        s.socket.send(buf, MDNS_PORT, group, (e) => {
          if (e) this.emit('warning', `mDNS query on ${s.iface.name} (${s.info.family}) failed: ${e.message}`);
        });
        s.info.queriesSent++;
        q.nextAt = now + queryIntervalMs(q.n);
        q.n++;
      }
    }
  }
}
