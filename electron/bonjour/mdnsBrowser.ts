/**
 * Live mDNS/DNS-SD browsing on every multicast interface: one socket per interface and family
 * (IPv4 224.0.0.251, IPv6 ff02::fb) on port 5353 beside the system's responder, continuous
 * querying with back-off and known answers (RFC 6762 §5.2, §7.1), every packet checked before
 * dns-packet decodes it, and the ServiceCache turning answers into added/updated/removed events.
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import dnsPacket from 'dns-packet';
import type { NetInterface } from '../../shared/network/types';
import { checkMdnsPacket, type PacketProblem } from '../../shared/mdns/packetGuard';
import { checkMdnsSource, type SourceProblem } from '../../shared/mdns/sourceCheck';
import { QuestionSchedule, encodeQuery, encodeQueryPackets, inTurnBySource, initialQueryDelayMs, queryIntervalMs, type KnownAnswer, type ScheduledQuestion } from '../../shared/mdns/queryPlan';
import { SERVICES_NAME, ServiceCache, lowerName, type CacheStats, type ResolveQuestion, type ServiceChange, type ServiceInstance, type ServiceType } from '../../shared/mdns/serviceCache';
import type { BonjourSocket } from '../../shared/mdns/bonjourTypes';
import { listInterfaces } from '../network/interfaces';
import { MDNS_PORT, mdnsGroup, mdnsInterfaces, openMdnsSocket } from './mdnsSocket';

/** How often the cache is expired and due queries are sent. */
const TICK_MS = 100;
/** Our queries stay below a typical MTU; known answers past this are left out. */
const MAX_QUERY_BYTES = 1400;
/** At most one resolution query (SRV, TXT, A, AAAA of instances heard only as a PTR) per socket this often, so that a flood of bare PTRs costs a few packets a second. */
const RESOLVE_PACKET_GAP_MS = 250;
/** The shortest delay before a first question (RFC 6762 §5.2: 20–120 ms). */
const MIN_FIRST_QUESTION_MS = 20;
/** More questions than fit in MAX_QUERY_BYTES (a short name and a pointer take at least 10 bytes each). */
const MAX_QUESTIONS_PER_PACKET = 140;
/** Sources named in a warning when their packets are not believed; past this they are only counted. */
const MAX_WARNED_SOURCES = 16;

/** What to browse and where. */
export interface MdnsBrowserOptions {
  /** Service types to query, e.g. "_http._tcp" or "_http._tcp.local"; absent: every type found via `_services._dns-sd._udp`. */
  types?: string[];
  /** Only this interface (by name). */
  iface?: string;
  /** Only these interfaces (by name); with `iface`, both count. */
  ifaces?: string[];
  /** How often to look for interfaces that appeared or went away (a VPN, a new Wi-Fi), ms; 0: never. Default 3000. */
  interfacePollMs?: number;
  /** Families to use; default both. */
  families?: Array<'ipv4' | 'ipv6'>;
  /**
   * Ask for unicast answers in the first query of each question, browsing and resolving (QU bit,
   * RFC 6762 §5.4); default off: a unicast answer to port 5353 reaches only one of the sockets
   * bound there, which may be the system's responder rather than Gapscope.
   */
  unicastResponse?: boolean;
  /** Where interfaces come from (tests give their own). */
  listInterfaces?: () => NetInterface[];
  /** The clock, ms. */
  now?: () => number;
  cache?: ServiceCache;
}


/** Counts of what arrived and was dropped before the cache, beside the cache's own counts. */
export interface BrowserStats {
  packets: number;
  responses: number;
  /**
   * Packets refused before decoding, by reason: a response not from port 5353 ('source-port') or
   * from a source beyond every browsed link ('off-link', RFC 6762 §11), a packet that fails the
   * structural check, and packets dns-packet could not decode.
   */
  dropped: Record<SourceProblem | PacketProblem | 'undecodable', number>;
  /** Resolution questions not sent because another host asked them first (RFC 6762 §7.3). */
  questionsSuppressed: number;
  cache: CacheStats;
  sockets: BonjourSocket[];
}

/** A datagram the browser took, raw, with where it came from (for details views and session captures). */
export interface ReceivedMdnsPacket {
  data: Buffer;
  iface: string;
  family: 'ipv4' | 'ipv6';
  source: string;
  port: number;
  at: number;
  /** Null when it was refused or could not be decoded. */
  packet: dnsPacket.Packet | null;
  /** For responses: the instances its records speak about. */
  instanceKeys: string[];
}

/**
 * Events: 'added' | 'updated' | 'removed' with a ServiceInstance, 'types' when the list of service
 * types changes, 'sockets' when interfaces came or went, 'packet' for every datagram taken,
 * 'warning' with a sentence.
 */
export interface MdnsBrowserEvents {
  added: [ServiceInstance];
  updated: [ServiceInstance];
  removed: [ServiceInstance];
  types: [ServiceType[]];
  sockets: [BonjourSocket[]];
  packet: [ReceivedMdnsPacket];
  warning: [string];
}

interface QueryState {
  name: string;
  n: number;
  nextAt: number;
}

interface OpenSocket {
  /** Interface, family and the address the group was joined with: a change means a new socket. */
  signature: string;
  info: BonjourSocket;
  socket: Socket;
  iface: NetInterface;
  queries: Map<string, QueryState>;
  /** When this socket may send its next resolution query. */
  resolveAt: number;
}

/** What a socket of `iface` and `family` is keyed by: an address change reopens it. */
function socketSignature(iface: NetInterface, family: 'ipv4' | 'ipv6'): string {
  const first = iface.addresses.find((a) => a.family === family)?.address ?? '';
  return `${iface.name}|${family}|${family === 'ipv4' ? first : ''}`;
}

/** "_http._tcp" → "_http._tcp.local"; a type is looked up with its domain. */
export function fullServiceType(type: string): string {
  const t = type.trim().replace(/\.$/, '');
  return /\.local$/i.test(t) || /\._(tcp|udp)\.[^.]+/i.test(t) ? t : `${t}.local`;
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
  /** Sockets that could not be opened, by signature (tried again only when the interface changes). */
  private readonly failed = new Map<string, BonjourSocket>();
  /** Every interface of the machine, also those not browsed, to tell where a packet arrived. */
  private allInterfaces: NetInterface[] = [];
  private timer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;
  private stopped = false;
  private typesSignature = '';
  private typesVersionSeen = -1;
  private readonly counts = { packets: 0, responses: 0, questionsSuppressed: 0, dropped: { 'source-port': 0, 'off-link': 0, oversized: 0, truncated: 0, 'compression-loop': 0, 'bad-label': 0, 'too-many-records': 0, undecodable: 0 } };
  private readonly warnedSources = new Set<string>();
  /** SRV, TXT, A and AAAA questions for what the cache lacks, asked with back-off until answered. */
  private readonly resolving = new QuestionSchedule<ResolveQuestion>();
  /** Instances that changed since their questions were last worked out. */
  private readonly resolveDirty = new Set<string>();
  /** When the first of them changed (the §5.2 delay counts from the packet, not from a tick). */
  private resolveNeedSince: number | null = null;
  private resolveTimer: NodeJS.Timeout | null = null;
  private resolveTimerAt = Infinity;

  constructor(opts: MdnsBrowserOptions = {}) {
    super();
    this.opts = opts;
    this.now = opts.now ?? (() => performance.now());
    this.cache = opts.cache ?? new ServiceCache();
  }

  /** Opens the sockets and starts querying; resolves once every socket is bound and joined (or has failed, with a warning). */
  async start(): Promise<BonjourSocket[]> {
    this.stopped = false;
    await this.syncInterfaces();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    const poll = this.opts.interfacePollMs ?? 3000;
    if (poll > 0) this.pollTimer = setInterval(() => void this.syncInterfaces(), poll);
    return this.socketInfos();
  }

  /** Closes every socket; the cache keeps what was found. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.timer = null;
    this.pollTimer = null;
    this.disarmResolve();
    this.resolveNeedSince = null;
    await this.syncing;
    await Promise.all(this.sockets.map((s) => closeSocket(s.socket)));
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
    return { packets: this.counts.packets, responses: this.counts.responses, questionsSuppressed: this.counts.questionsSuppressed, dropped: { ...this.counts.dropped }, cache: this.cache.stats(), sockets: this.socketInfos() };
  }

  /**
   * Opens sockets for interfaces (or addresses) that appeared and closes those of interfaces that
   * went away; what was heard only on a vanished interface is removed at once. Called at start
   * and every `interfacePollMs`; runs one at a time.
   */
  syncInterfaces(): Promise<void> {
    if (this.syncing) return this.syncing;
    this.syncing = this.doSync().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  private socketInfos(): BonjourSocket[] {
    return [...this.sockets.map((s) => ({ ...s.info })), ...[...this.failed.values()].map((f) => ({ ...f }))];
  }

  private async doSync(): Promise<void> {
    let all: NetInterface[];
    try {
      all = (this.opts.listInterfaces ?? listInterfaces)();
    } catch (e) {
      this.emit('warning', `Could not list interfaces: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.allInterfaces = all;
    const only = [...(this.opts.ifaces ?? []), ...(this.opts.iface ? [this.opts.iface] : [])];
    const wanted = new Map<string, { iface: NetInterface; family: 'ipv4' | 'ipv6' }>();
    for (const iface of mdnsInterfaces(all, only)) {
      for (const family of this.opts.families ?? ['ipv4', 'ipv6']) {
        if (iface.addresses.some((a) => a.family === family)) wanted.set(socketSignature(iface, family), { iface, family });
      }
    }
    let changed = false;
    // Gone (or readdressed): close.
    for (const s of [...this.sockets]) {
      if (wanted.has(s.signature)) continue;
      this.sockets.splice(this.sockets.indexOf(s), 1);
      await closeSocket(s.socket);
      changed = true;
    }
    for (const sig of [...this.failed.keys()]) {
      if (!wanted.has(sig)) {
        this.failed.delete(sig);
        changed = true;
      }
    }
    // What was heard only on an interface that is no longer browsed has no link to come from.
    const names = new Set([...wanted.values()].map((w) => w.iface.name));
    const heardOn = new Set(this.cache.instances().flatMap((i) => i.interfaces));
    for (const iface of heardOn) if (!names.has(iface)) this.apply(this.cache.forgetInterface(iface, this.now()));
    // New: open, and start querying there.
    const opening: Promise<void>[] = [];
    for (const [sig, w] of wanted) {
      if (this.stopped) break;
      if (this.sockets.some((s) => s.signature === sig) || this.failed.has(sig)) continue;
      opening.push(this.open(sig, w.iface, w.family));
      changed = true;
    }
    await Promise.all(opening);
    if (this.stopped) {
      await Promise.all(this.sockets.map((s) => closeSocket(s.socket)));
      this.sockets.length = 0;
      return;
    }
    if (changed) this.emit('sockets', this.socketInfos());
  }

  private async open(signature: string, iface: NetInterface, family: 'ipv4' | 'ipv6'): Promise<void> {
    const info: BonjourSocket = { iface: iface.name, family, status: 'open', error: null, packets: 0, queriesSent: 0 };
    let socket: Socket;
    try {
      socket = await openMdnsSocket(iface, family);
    } catch (e) {
      info.status = 'failed';
      info.error = e instanceof Error ? e.message : String(e);
      this.failed.set(signature, info);
      this.emit('warning', `mDNS on ${iface.name} (${family}) is unavailable: ${info.error}`);
      return;
    }
    const entry: OpenSocket = { signature, info, socket, iface, queries: new Map(), resolveAt: 0 };
    socket.on('error', (e) => this.emit('warning', `mDNS socket on ${iface.name} (${family}): ${e.message}`));
    socket.on('message', (msg, rinfo) => this.onMessage(entry, msg, rinfo));
    // The types asked for, or the enumeration and every type already found on this interface.
    const t0 = this.now();
    const names = this.opts.types?.length ? this.opts.types.map(fullServiceType) : [SERVICES_NAME, ...this.cache.serviceTypes().filter((t) => t.interfaces.includes(iface.name)).map((t) => t.type)];
    for (const name of names) entry.queries.set(lowerName(name), { name, n: 0, nextAt: t0 + initialQueryDelayMs(Math.random()) });
    this.sockets.push(entry);
  }

  private onMessage(entry: OpenSocket, msg: Buffer, rinfo: RemoteInfo): void {
    const family = entry.info.family;
    const from = checkMdnsSource(this.allInterfaces, family, rinfo.address, rinfo.port, msg);
    const arrived = from.iface;
    // Each packet is taken once: by the socket of the interface it arrived on, or, when that
    // cannot be told, by the first socket of its family.
    // A packet from an interface that is not browsed (--iface) is not ours to take.
    if (arrived !== null ? arrived !== entry.iface.name : this.sockets.find((s) => s.info.family === family) !== entry) return;
    entry.info.packets++;
    this.counts.packets++;
    const source = rinfo.address.split('%')[0]!;
    const at = this.now();
    const refused = (problem: SourceProblem | PacketProblem | 'undecodable'): void => {
      this.counts.dropped[problem]++;
      if (this.listenerCount('packet') > 0) this.emit('packet', { data: msg, iface: entry.iface.name, family, source, port: rinfo.port, at, packet: null, instanceKeys: [] });
    };
    if (from.problem) {
      refused(from.problem);
      this.warnSource(from.problem, source, rinfo.port);
      return;
    }
    const decoded = decodeMdnsPacket(msg);
    if ('problem' in decoded) {
      refused(decoded.problem);
      return;
    }
    const p = decoded.packet;
    // Queries (ours looped back, or other hosts') carry no news; only responses feed the cache.
    if (p.type !== 'response') {
      this.noteQuestionsElsewhere(entry, p, source, at);
      if (this.listenerCount('packet') > 0) this.emit('packet', { data: msg, iface: entry.iface.name, family, source, port: rinfo.port, at, packet: p, instanceKeys: [] });
      return;
    }
    this.counts.responses++;
    const records = [...(p.answers ?? []), ...(p.authorities ?? []), ...(p.additionals ?? [])];
    const changes = this.cache.ingest({ records, iface: entry.iface.name, source, now: at });
    if (this.listenerCount('packet') > 0) this.emit('packet', { data: msg, iface: entry.iface.name, family, source, port: rinfo.port, at, packet: p, instanceKeys: this.cache.instanceKeysOf(records) });
    this.apply(changes);
  }

  /** Duplicate question suppression (RFC 6762 §7.3): another host's multicast question that we were about to ask counts as ours. */
  private noteQuestionsElsewhere(entry: OpenSocket, p: dnsPacket.Packet, source: string, at: number): void {
    if (this.resolving.size === 0 || !p.questions?.length) return;
    // Our own queries come back (multicast loopback): they are not another host's.
    if (this.allInterfaces.some((i) => i.addresses.some((a) => a.address.split('%')[0] === source))) return;
    const known = new Set((p.answers ?? []).map((a) => `${lowerName(a.name)}|${a.type}`));
    for (const q of p.questions) {
      // dns-packet reads a class with the QU bit as UNKNOWN_32769: only plain multicast (QM) questions count.
      if (q.class !== 'IN' || !['SRV', 'TXT', 'A', 'AAAA'].includes(q.type)) continue;
      const name = lowerName(q.name.replace(/\.$/, ''));
      // Known answers we lack would keep the answers we need from coming.
      if (known.has(`${name}|${q.type}`)) continue;
      if (this.resolving.askedElsewhere(`${entry.iface.name}|${name}|${q.type}`, at)) this.counts.questionsSuppressed++;
    }
  }

  /** Names a source whose packets are not believed, once, so that a misconfigured device is seen rather than silently missing. */
  private warnSource(problem: SourceProblem, source: string, port: number): void {
    const key = `${problem}|${source}`;
    if (this.warnedSources.has(key) || this.warnedSources.size >= MAX_WARNED_SOURCES) return;
    this.warnedSources.add(key);
    const browsed = [...new Set(this.sockets.map((s) => s.iface.name))].join(', ');
    this.emit(
      'warning',
      problem === 'source-port'
        ? `mDNS responses from ${source} port ${port} are ignored: responses come from port 5353 (RFC 6762 §11), so these are not from a responder.`
        : `mDNS packets from ${source} are ignored: that address is on no subnet of ${browsed || 'the browsed interfaces'} (RFC 6762 §11). A device with a wrong static address, or packets from beyond the local link.`,
    );
  }

  private apply(changes: ServiceChange[]): void {
    for (const c of changes) this.emit(c.kind, c.instance);
    if (changes.length > 0) {
      for (const c of changes) this.resolveDirty.add(c.instance.key);
      // What changed may need asking: work it out soon (20 ms, the earliest §5.2 allows a first
      // question), not on the next tick, and at most that often under a flood.
      if (this.resolveNeedSince === null) {
        const now = this.now();
        this.resolveNeedSince = now;
        this.armResolve(now + MIN_FIRST_QUESTION_MS, now);
      }
    }
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
        this.send(s, encodeQuery(mine, [], MAX_QUERY_BYTES).bytes, 'refresh');
      }
    }
    for (const s of this.sockets) {
      for (const q of s.queries.values()) {
        if (q.nextAt > now) continue;
        const known = this.cache.knownAnswers(q.name, 'PTR', s.iface.name, now, s.info.family);
        const question = { labels: q.name.replace(/\.$/, '').split('.'), type: 'PTR', unicastResponse: q.n === 0 && this.opts.unicastResponse === true };
        // Known answers past one packet follow in more, TC set on all but the last (§7.2).
        for (const packet of encodeQueryPackets([question], known, MAX_QUERY_BYTES).packets) this.send(s, packet, 'query');
        q.nextAt = now + queryIntervalMs(q.n);
        q.n++;
      }
    }
    this.resolve(now);
  }

  /**
   * Asks for what the cache lacks: SRV and TXT of instances heard only as a PTR, addresses of
   * hosts without one (continuous querying, RFC 6762 §5.2: first after 20–120 ms, then 1 s, 2 s,
   * 4 s … until answered), with the known answers of each question (§7.1), one packet per socket
   * at most every RESOLVE_PACKET_GAP_MS, sources taken in turn so that one flooding source
   * cannot hold back the others' questions.
   */
  private resolve(now: number): void {
    if (this.resolveDirty.size > 0) {
      // Only the instances that changed are worked out again; new questions of one batch share one delay.
      const firstAt = Math.min(now, this.resolveNeedSince ?? now) + initialQueryDelayMs(Math.random());
      for (const key of this.resolveDirty) this.resolving.setGroup(key, this.cache.resolveQuestions([key]).map((q) => ({ key: q.key, item: q })), firstAt);
      this.resolveDirty.clear();
    }
    this.resolveNeedSince = null;
    const heldUntil = this.sendDue(now);
    // Wake for the next question when it is due (or its socket may send again), rather than on a tick up to 100 ms later.
    const next = Math.min(heldUntil, this.resolving.nextDueAfter(now));
    if (next < Infinity) this.armResolve(next, now);
  }

  /** Sends the questions due, one packet per socket; returns when a socket that held questions back may send again. */
  private sendDue(now: number): number {
    let heldUntil = Infinity;
    if (this.resolving.size === 0) return heldUntil;
    const bySocket = new Map<OpenSocket, Array<ScheduledQuestion<ResolveQuestion>>>();
    for (const d of this.resolving.due(now)) {
      const s = this.sockets.find((x) => x.iface.name === d.item.iface && x.info.family === d.item.family) ?? this.sockets.find((x) => x.iface.name === d.item.iface);
      if (!s) continue;
      if (s.resolveAt > now) {
        heldUntil = Math.min(heldUntil, s.resolveAt);
        continue;
      }
      let list = bySocket.get(s);
      if (!list) bySocket.set(s, (list = []));
      list.push(d);
    }
    for (const [s, list] of bySocket) {
      // More than fit in one packet are left for the next (a flood of bare PTRs makes thousands).
      const ordered = inTurnBySource(list).slice(0, MAX_QUESTIONS_PER_PACKET);
      const known: KnownAnswer[] = [];
      const seen = new Set<string>();
      for (const d of ordered) {
        const k = `${lowerName(d.item.name)}|${d.item.type}`;
        if (seen.has(k)) continue;
        seen.add(k);
        known.push(...this.cache.knownAnswers(d.item.name, d.item.type, s.iface.name, now, s.info.family));
      }
      const questions = ordered.map((d) => ({ labels: d.item.labels, type: d.item.type, unicastResponse: d.n === 0 && this.opts.unicastResponse === true }));
      const encoded = encodeQuery(questions, known, MAX_QUERY_BYTES);
      // Intervals count from the packet, not from when the work began (a busy machine takes ms for it).
      const sentAt = Math.max(now, this.now());
      // A question that cannot be encoded backs off like one that was asked.
      for (const i of [...encoded.asked, ...encoded.invalid]) this.resolving.sent(ordered[i]!.key, sentAt);
      if (encoded.asked.length === 0) continue;
      this.send(s, encoded.bytes, 'resolution query');
      s.resolveAt = sentAt + RESOLVE_PACKET_GAP_MS;
      // Questions that did not fit go in the next packet.
      if (encoded.asked.length + encoded.invalid.length < list.length) heldUntil = Math.min(heldUntil, s.resolveAt);
    }
    return heldUntil;
  }

  private armResolve(at: number, now: number): void {
    if (this.stopped || (this.resolveTimer && this.resolveTimerAt <= at)) return;
    this.disarmResolve();
    this.resolveTimerAt = at;
    this.resolveTimer = setTimeout(() => {
      this.resolveTimer = null;
      this.resolveTimerAt = Infinity;
      this.resolve(this.now());
    }, Math.max(0, Math.ceil(at - now)));
  }

  private disarmResolve(): void {
    if (this.resolveTimer) clearTimeout(this.resolveTimer);
    this.resolveTimer = null;
    this.resolveTimerAt = Infinity;
  }

  private send(s: OpenSocket, bytes: Uint8Array, what: string): void {
    s.socket.send(bytes, MDNS_PORT, mdnsGroup(s.info.family, s.iface.name), (e) => {
      if (e) this.emit('warning', `mDNS ${what} on ${s.iface.name} (${s.info.family}) failed: ${e.message}`);
    });
    s.info.queriesSent++;
  }
}

function closeSocket(socket: Socket): Promise<void> {
  return new Promise<void>((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}
