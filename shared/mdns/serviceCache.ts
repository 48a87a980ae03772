/**
 * The DNS-SD model of what is advertised on the local links (RFC 6762, RFC 6763): fed with the
 * records of decoded mDNS packets, it keeps service types, instances with their SRV, TXT and
 * addresses, each seen per interface, and says which instances appeared, changed or went away.
 *
 * Pure: no sockets, no timers; the caller passes the time. Everything a packet says is checked
 * before it is kept, and memory is bounded (records, bytes, sources, interfaces per record).
 */
import { parseIPv4, parseIPv6 } from '../net/address';
import { knownAnswers, refreshPointsPassed, type KnownAnswer, type KnownAnswerData } from './queryPlan';
import { decodeTxt, type TxtEntry } from './txt';

/** A resource record as dns-packet decodes it; every field is checked, since a packet may say anything. */
export interface MdnsRecord {
  name?: unknown;
  type?: unknown;
  ttl?: unknown;
  flush?: unknown;
  data?: unknown;
}

/** The records of one received packet, where and when it arrived. */
export interface Reception {
  /** Answers, authorities and additionals together. */
  records: readonly unknown[];
  /** The interface the packet arrived on. */
  iface: string;
  /** Its source address. */
  source: string;
  /** Arrival time, ms (any monotonic clock, the same as passed to `expire`). */
  now: number;
}

/** An address of a service's host and the interfaces it was seen on. */
export interface ServiceAddress {
  address: string;
  family: 'ipv4' | 'ipv6';
  interfaces: string[];
}

/** One advertised service instance, merged over every interface it was seen on. */
export interface ServiceInstance {
  /** Lower-cased full name: the instance's identity. */
  key: string;
  /** The instance label as advertised, e.g. "Living Room.2 (Ünïcode)". */
  name: string;
  /** The service type with its domain, e.g. "_http._tcp.local". */
  type: string;
  /** Null until an SRV record arrives. */
  host: string | null;
  port: number | null;
  priority: number | null;
  weight: number | null;
  txt: TxtEntry[];
  txtBytes: number;
  txtTruncated: boolean;
  addresses: ServiceAddress[];
  /** What the instance still lacks to be resolved (RFC 6763 §12: its SRV, its TXT, an address of the SRV's host); empty once it is. */
  missing: Array<'SRV' | 'TXT' | 'address'>;
  /** Interfaces the instance's PTR was seen on. */
  interfaces: string[];
  /** Who answered: interface and source address, at most MAX_SOURCES. */
  sources: Array<{ iface: string; address: string }>;
  /** TTL of the freshest PTR, seconds. */
  ttl: number;
  firstSeen: number;
  lastSeen: number;
}

/** A service type and where it was seen. */
export interface ServiceType {
  type: string;
  interfaces: string[];
  instances: number;
}

/** An instance appeared, changed (host, port, TXT, addresses or interfaces) or went away. */
export interface ServiceChange {
  kind: 'added' | 'updated' | 'removed';
  instance: ServiceInstance;
}

/** A question that would complete an instance, where to ask it, and who named the instance. */
export interface ResolveQuestion {
  /** Interface, name and type: the question's identity. */
  key: string;
  iface: string;
  family: 'ipv4' | 'ipv6';
  /** The source of the PTR that named the instance. */
  source: string;
  name: string;
  labels: string[];
  type: 'SRV' | 'TXT' | 'A' | 'AAAA';
}

/** What was refused or dropped, so that a flood or a hostile packet is visible rather than silent. */
export interface CacheStats {
  records: number;
  bytes: number;
  accepted: number;
  /** Records that failed validation (bad name, type, TTL or data). */
  malformed: number;
  /** Record types the browser does not use (NSEC, HINFO, …). */
  ignored: number;
  /** Names or TXT records over the size caps. */
  oversized: number;
  /** Records over a source's rate. */
  rateLimited: number;
  /** Records past the per-packet cap. */
  perPacketCapped: number;
  /** Older records evicted to make room. */
  evicted: number;
}

/** The caps; defaults suit a busy office network with room to spare. */
export interface ServiceCacheLimits {
  maxRecords: number;
  /** Estimated bytes of all records kept. */
  maxBytes: number;
  maxRecordsPerPacket: number;
  /** Bytes of TXT kept per record; longer records are cut at a string boundary and marked truncated. */
  maxTxtBytes: number;
  maxInterfacesPerRecord: number;
  /** TTLs above this are treated as this, seconds, so that no hostile record lives for ever. */
  maxTtlSec: number;
  /** Per source address: a burst of this many records, refilled at `sourceRecordsPerSec`. */
  sourceBurst: number;
  sourceRecordsPerSec: number;
  maxSources: number;
}

/** Caps used when none are given. */
export const DEFAULT_LIMITS: ServiceCacheLimits = {
  maxRecords: 4096,
  maxBytes: 4 * 1024 * 1024,
  maxRecordsPerPacket: 512,
  maxTxtBytes: 8900,
  maxInterfacesPerRecord: 32,
  maxTtlSec: 24 * 3600,
  sourceBurst: 2000,
  sourceRecordsPerSec: 1000,
  maxSources: 1024,
};

/** One cached record of an instance on one interface, for the details view. */
export interface CachedRecord {
  name: string;
  type: RecordType;
  rdata: RData;
  iface: string;
  ttl: number;
  remainingSec: number;
  receivedAt: number;
  sources: string[];
}

/** A goodbye (TTL 0) keeps the record for one more second (RFC 6762 §10.1); so does a cache flush (§10.2). */
export const GOODBYE_DELAY_MS = 1000;
/** Sources listed per instance. */
export const MAX_SOURCES = 8;
/** The name that lists service types (RFC 6763 §9). */
export const SERVICES_NAME = '_services._dns-sd._udp.local';

const MAX_NAME_CHARS = 255;
const KEPT_TYPES = new Set(['PTR', 'SRV', 'TXT', 'A', 'AAAA']);
const SERVICE_TYPE = /^_[^.]{1,63}\._(tcp|udp)\.[^.].*$/i;
/** Only .local names are answered over mDNS (RFC 6762 §3): nothing else is worth asking there. */
const LOCAL_NAME = /\.local\.?$/i;

/** The record types the cache keeps. */
export type RecordType = 'PTR' | 'SRV' | 'TXT' | 'A' | 'AAAA';
/** A kept record's data, checked. */
export type RData =
  | { type: 'PTR'; target: string }
  | { type: 'SRV'; priority: number; weight: number; port: number; target: string }
  | { type: 'TXT'; strings: Uint8Array[]; truncated: boolean }
  | { type: 'A' | 'AAAA'; address: string };

interface Sighting {
  ttl: number;
  receivedAt: number;
  expiresAt: number;
  /** Source addresses heard on this interface, latest last (an IPv4 and an IPv6 answer of one responder, say). */
  sources: string[];
  /** Refresh queries asked for this sighting (0–4, RFC 6762 §5.2). */
  refreshes: number;
  /** Replaced by a cache flush or withdrawn by a goodbye: its end is not a lapse. */
  retiring: boolean;
}

/** Source addresses kept per record and interface. */
const SOURCES_PER_SIGHTING = 4;

interface StoredRecord {
  key: string;
  owner: string;
  name: string;
  rdata: RData;
  size: number;
  sightings: Map<string, Sighting>;
}

/** DNS names compare case-insensitively in ASCII only (RFC 6762 §16). */
export function lowerName(name: string): string {
  return name.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

function isName(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_NAME_CHARS;
}

function isUint16(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff;
}

// FNV-1a over the TXT bytes with their lengths: a compact identity for the record key.
function txtDigest(strings: readonly Uint8Array[]): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  let n = 0;
  const mix = (b: number): void => {
    h1 = Math.imul(h1 ^ b, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ b, 0x5bd1e995) >>> 0;
    n++;
  };
  for (const s of strings) {
    mix(s.length);
    for (const b of s) mix(b);
  }
  return `${h1.toString(16)}${h2.toString(16)}:${n}`;
}

type Checked = { ok: true; rdata: RData; key: string; size: number } | { ok: false; why: 'malformed' | 'ignored' | 'oversized' };

function checkData(type: RecordType, data: unknown, maxTxtBytes: number): Checked {
  switch (type) {
    case 'PTR': {
      if (typeof data !== 'string') return { ok: false, why: 'malformed' };
      if (data.length > MAX_NAME_CHARS) return { ok: false, why: 'oversized' };
      if (!isName(data)) return { ok: false, why: 'malformed' };
      return { ok: true, rdata: { type, target: data }, key: lowerName(data), size: data.length };
    }
    case 'SRV': {
      if (typeof data !== 'object' || data === null) return { ok: false, why: 'malformed' };
      const d = data as Record<string, unknown>;
      if (!isUint16(d.priority) || !isUint16(d.weight) || !isUint16(d.port) || !isName(d.target)) return { ok: false, why: 'malformed' };
      return {
        ok: true,
        rdata: { type, priority: d.priority, weight: d.weight, port: d.port, target: d.target },
        key: `${d.priority} ${d.weight} ${d.port} ${lowerName(d.target)}`,
        size: d.target.length + 8,
      };
    }
    case 'TXT': {
      const list = Array.isArray(data) ? (data as unknown[]) : [data];
      const strings: Uint8Array[] = [];
      let bytes = 0;
      let truncated = false;
      for (const s of list) {
        let b: Uint8Array;
        if (s instanceof Uint8Array) b = s;
        else if (typeof s === 'string') b = Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
        else return { ok: false, why: 'malformed' };
        if (b.length > 255) return { ok: false, why: 'malformed' };
        if (bytes + b.length + 1 > maxTxtBytes) {
          truncated = true;
          break;
        }
        bytes += b.length + 1;
        // A copy: the packet's buffer must not stay alive through a view into it.
        strings.push(b.slice());
      }
      return { ok: true, rdata: { type, strings, truncated }, key: txtDigest(strings), size: bytes };
    }
    case 'A': {
      if (typeof data !== 'string' || parseIPv4(data) === null) return { ok: false, why: 'malformed' };
      return { ok: true, rdata: { type, address: data }, key: data, size: 16 };
    }
    case 'AAAA': {
      if (typeof data !== 'string') return { ok: false, why: 'malformed' };
      const p = parseIPv6(data);
      if (!p || p.zone !== null) return { ok: false, why: 'malformed' };
      const address = data.toLowerCase();
      return { ok: true, rdata: { type, address }, key: address, size: 40 };
    }
  }
}

/** Whether a PTR owner is a service type (`_x._tcp|_udp.domain`), so that its PTRs name instances. */
function isServiceType(owner: string): boolean {
  return SERVICE_TYPE.test(owner) && !owner.includes('._sub.') && lowerName(owner) !== SERVICES_NAME;
}

function sortedUnique(list: Iterable<string>): string[] {
  return [...new Set(list)].sort();
}

/** A view without the fields that change on every refresh, to tell a real update from a repeat. */
function signature(i: ServiceInstance): string {
  return JSON.stringify([i.name, i.type, i.host, i.port, i.priority, i.weight, i.txt, i.txtTruncated, i.addresses, i.missing, i.interfaces, i.sources]);
}

/**
 * The cache of everything heard over mDNS, turned into DNS-SD services; one per browser, fed by
 * every interface's socket, so that the same instance seen on two links is one entry with both.
 */
export class ServiceCache {
  private readonly limits: ServiceCacheLimits;
  private readonly records = new Map<string, StoredRecord>();
  private readonly byOwnerType = new Map<string, Set<StoredRecord>>();
  /** Instance key → instance PTRs naming it. */
  private readonly ptrByInstance = new Map<string, Set<StoredRecord>>();
  /** Host key → SRV records targeting it. */
  private readonly srvByHost = new Map<string, Set<StoredRecord>>();
  private readonly views = new Map<string, { view: ServiceInstance; sig: string }>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private bytes = 0;
  private nextExpiry = Infinity;
  private lapsed = false;
  private typeRecordsVersion = 0;
  private readonly counters: Omit<CacheStats, 'records' | 'bytes'> = { accepted: 0, malformed: 0, ignored: 0, oversized: 0, rateLimited: 0, perPacketCapped: 0, evicted: 0 };

  constructor(limits: Partial<ServiceCacheLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Takes in one packet's records and returns the instances that appeared, changed or went away. */
  ingest(rx: Reception): ServiceChange[] {
    const dirty = new Set<string>();
    if (!Array.isArray(rx.records) || typeof rx.iface !== 'string' || typeof rx.source !== 'string' || !Number.isFinite(rx.now)) return [];
    const iface = rx.iface.slice(0, 64);
    const source = rx.source.slice(0, 64);
    const flushedSets = new Set<string>();
    let index = 0;
    for (const raw of rx.records) {
      if (index++ >= this.limits.maxRecordsPerPacket) {
        this.counters.perPacketCapped += rx.records.length - this.limits.maxRecordsPerPacket;
        break;
      }
      if (!this.takeToken(source, rx.now)) {
        this.counters.rateLimited++;
        continue;
      }
      this.ingestRecord(raw, iface, source, rx.now, dirty, flushedSets);
    }
    return this.expireInto(rx.now, dirty);
  }

  /** Removes what has expired by `now` (TTL ran out, or a goodbye's second passed) and returns the instances that went away or changed. */
  expire(now: number): ServiceChange[] {
    if (!Number.isFinite(now)) return [];
    return this.expireInto(now, new Set());
  }

  /** When `expire` next has work to do, ms; Infinity when nothing is cached. */
  nextExpiryAt(): number {
    return this.nextExpiry;
  }

  /** The live instances, sorted by type and name. */
  instances(): ServiceInstance[] {
    return [...this.views.values()].map((v) => v.view).sort((a, b) => (a.type === b.type ? a.key.localeCompare(b.key) : a.type.localeCompare(b.type)));
  }

  /** The service types seen, from `_services._dns-sd._udp` answers and from instances, sorted. */
  serviceTypes(): ServiceType[] {
    const types = new Map<string, { type: string; interfaces: Set<string>; instances: number }>();
    const add = (type: string): { interfaces: Set<string>; instances: number } => {
      const k = lowerName(type);
      let t = types.get(k);
      if (!t) types.set(k, (t = { type, interfaces: new Set(), instances: 0 }));
      return t;
    };
    for (const r of this.byOwnerType.get(`${SERVICES_NAME}|PTR`) ?? []) {
      if (r.rdata.type !== 'PTR' || !isServiceType(r.rdata.target)) continue;
      const t = add(r.rdata.target);
      for (const i of r.sightings.keys()) t.interfaces.add(i);
    }
    for (const { view } of this.views.values()) {
      const t = add(view.type);
      t.instances++;
      for (const i of view.interfaces) t.interfaces.add(i);
    }
    return [...types.values()].map((t) => ({ type: t.type, interfaces: sortedUnique(t.interfaces), instances: t.instances })).sort((a, b) => a.type.localeCompare(b.type));
  }

  /**
   * The known answers for a query of `name`/`type` on one interface (RFC 6762 §7.1): records
   * heard there (from that family, if given) with more than half their TTL left, with their
   * remaining TTL, names as labels.
   */
  knownAnswers(name: string, type: RecordType, iface: string, now: number, family?: 'ipv4' | 'ipv6'): KnownAnswer[] {
    const cached: Array<{ record: { labels: string[]; data: KnownAnswerData }; ttl: number; receivedAt: number }> = [];
    for (const r of this.byOwnerType.get(`${lowerName(name)}|${type}`) ?? []) {
      const s = r.sightings.get(iface);
      if (!s || s.expiresAt <= now || s.retiring) continue;
      // Responders such as avahi answer each family separately: a record heard only over IPv4
      // is not a known answer for the IPv6 query, or the IPv6 answer would never come.
      if (family && !s.sources.some((a) => a.includes(':') === (family === 'ipv6'))) continue;
      cached.push({ record: { labels: this.labelsOf(r.name, r.owner), data: this.answerData(r) }, ttl: s.ttl, receivedAt: s.receivedAt });
    }
    return knownAnswers(cached, now).map((k) => ({ labels: k.record.labels, data: k.record.data, ttl: k.ttl }));
  }

  /**
   * The questions that would complete what is known (RFC 6763 §12 lists what a responder should
   * add; packets get lost, and some responders add nothing): SRV and TXT of an instance that has
   * none, on each interface its PTR is live on; A and AAAA of a host that has no address, on
   * each interface its instance is live on. Each with the family it was heard over (IPv4 when
   * both) and the source that named it, so that a flood from one source cannot starve another.
   */
  resolveQuestions(instanceKeys?: Iterable<string>): ResolveQuestion[] {
    const out = new Map<string, ResolveQuestion>();
    if (instanceKeys === undefined) for (const key of this.views.keys()) this.resolveQuestionsOf(key, out);
    else for (const key of instanceKeys) this.resolveQuestionsOf(key, out);
    return [...out.values()];
  }

  private resolveQuestionsOf(key: string, out: Map<string, ResolveQuestion>): void {
    const view = this.views.get(key)?.view;
    if (!view) return;
    const add = (q: Omit<ResolveQuestion, 'key'>): void => {
      const k = `${q.iface}|${lowerName(q.name)}|${q.type}`;
      if (!out.has(k)) out.set(k, { key: k, ...q });
    };
    // What is missing is in the view (an empty TXT counts as an answer); only .local is asked over mDNS.
    const askSrv = view.missing.includes('SRV') && LOCAL_NAME.test(view.type);
    const askTxt = view.missing.includes('TXT') && LOCAL_NAME.test(view.type);
    const host = view.host?.replace(/\.$/, '') ?? null;
    const askAddress = host !== null && view.addresses.length === 0 && LOCAL_NAME.test(host);
    if (!askSrv && !askTxt && !askAddress) return;
    const labels = [view.name, ...view.type.split('.')];
    const name = `${view.name}.${view.type}`;
    for (const ptr of this.ptrByInstance.get(key) ?? []) {
      for (const [iface, s] of ptr.sightings) {
        if (s.retiring) continue;
        const family = s.sources.some((a) => !a.includes(':')) ? 'ipv4' : 'ipv6';
        const source = s.sources[s.sources.length - 1] ?? '';
        if (askSrv) add({ iface, family, source, name, labels, type: 'SRV' });
        if (askTxt) add({ iface, family, source, name, labels, type: 'TXT' });
        if (askAddress) for (const type of ['A', 'AAAA'] as const) add({ iface, family, source, name: host, labels: host.split('.'), type });
      }
    }
  }

  /** A record's name as labels: an instance name keeps its label whole, dots and all. */
  private labelsOf(name: string, owner: string): string[] {
    const view = this.views.get(owner)?.view;
    if (view && lowerName(name) === lowerName(`${view.name}.${view.type}`)) return [view.name, ...view.type.split('.')];
    return name.replace(/\.$/, '').split('.');
  }

  private answerData(r: StoredRecord): KnownAnswerData {
    const d = r.rdata;
    switch (d.type) {
      case 'PTR': {
        const type = r.name.replace(/\.$/, '');
        const label = lowerName(d.target).endsWith(`.${lowerName(type)}`) ? d.target.slice(0, d.target.length - type.length - 1) : null;
        return { type: 'PTR', target: label && isServiceType(r.owner) ? [label, ...type.split('.')] : d.target.split('.') };
      }
      case 'SRV':
        return { type: 'SRV', priority: d.priority, weight: d.weight, port: d.port, target: d.target.replace(/\.$/, '').split('.') };
      case 'TXT':
        return { type: 'TXT', strings: d.strings };
      default:
        return { type: d.type, address: d.address };
    }
  }

  /**
   * The refresh queries due at `now` (RFC 6762 §5.2): SRV, TXT, A and AAAA records at 80, 85, 90
   * and 95% of their TTL, once each, per interface; names as labels so that a dot inside an
   * instance label survives encoding.
   */
  refreshQueries(now: number): Array<{ name: string; labels: string[]; type: RecordType; iface: string }> {
    const due: Array<{ name: string; labels: string[]; type: RecordType; iface: string }> = [];
    const seen = new Set<string>();
    for (const rec of this.records.values()) {
      const type = rec.rdata.type;
      if (type === 'PTR') continue;
      for (const [iface, s] of rec.sightings) {
        if (s.retiring) continue;
        const passed = refreshPointsPassed(s.receivedAt, s.ttl, now);
        if (passed <= s.refreshes) continue;
        s.refreshes = passed;
        const key = `${rec.owner}|${type}|${iface}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const view = type === 'SRV' || type === 'TXT' ? this.views.get(rec.owner)?.view : undefined;
        const labels = view ? [view.name, ...view.type.split('.')] : rec.name.split('.');
        due.push({ name: rec.name, labels, type, iface });
      }
    }
    return due;
  }

  /**
   * The instances that the records of one packet speak about (PTR targets, SRV and TXT owners,
   * and the instances whose host an A/AAAA names), at most `max`: to keep the packet with them.
   */
  instanceKeysOf(records: readonly unknown[], max = 64): string[] {
    const keys = new Set<string>();
    for (const raw of records) {
      if (keys.size >= max) break;
      if (typeof raw !== 'object' || raw === null) continue;
      const r = raw as MdnsRecord;
      if (typeof r.name !== 'string' || r.name.length > MAX_NAME_CHARS) continue;
      const owner = lowerName(r.name);
      if (r.type === 'PTR' && typeof r.data === 'string' && isServiceType(owner)) keys.add(lowerName(r.data));
      else if (r.type === 'SRV' || r.type === 'TXT') keys.add(owner);
      else if (r.type === 'A' || r.type === 'AAAA') for (const srv of this.srvByHost.get(owner) ?? []) keys.add(srv.owner);
    }
    return [...keys].slice(0, max);
  }

  /** The records of one instance (its PTRs, SRV, TXT and its host's addresses), per interface, with the TTL left at `now`. */
  instanceRecords(key: string, now: number): CachedRecord[] {
    const k = lowerName(key);
    const out: CachedRecord[] = [];
    const add = (rec: StoredRecord): void => {
      for (const [iface, s] of rec.sightings) {
        out.push({ name: rec.name, type: rec.rdata.type, rdata: rec.rdata, iface, ttl: s.ttl, remainingSec: Math.max(0, Math.round((s.expiresAt - now) / 1000)), receivedAt: s.receivedAt, sources: [...s.sources] });
      }
    };
    for (const p of this.ptrByInstance.get(k) ?? []) add(p);
    for (const t of ['SRV', 'TXT'] as const) for (const r of this.byOwnerType.get(`${k}|${t}`) ?? []) add(r);
    const view = this.views.get(k)?.view;
    if (view?.host) for (const t of ['A', 'AAAA'] as const) for (const r of this.byOwnerType.get(`${lowerName(view.host)}|${t}`) ?? []) add(r);
    return out;
  }

  /** An interface went away: everything heard only there goes now; returns the instances removed or changed. */
  forgetInterface(iface: string, now: number): ServiceChange[] {
    if (!Number.isFinite(now)) return [];
    for (const rec of this.records.values()) {
      const s = rec.sightings.get(iface);
      if (s) {
        s.expiresAt = now;
        s.retiring = true;
        this.nextExpiry = now;
      }
    }
    return this.expireInto(now, new Set());
  }

  private lapse(instanceKey: string, iface: string, now: number): void {
    for (const ptr of this.ptrByInstance.get(instanceKey) ?? []) {
      const s = ptr.sightings.get(iface);
      if (s && s.expiresAt > now) {
        s.expiresAt = now;
        s.retiring = true;
        this.lapsed = true;
      }
    }
  }

  /** Changes whenever a `_services._dns-sd._udp` record comes or goes, so that a caller recomputes `serviceTypes()` only when it may differ. */
  typesVersion(): number {
    return this.typeRecordsVersion;
  }

  /** Counters of what was kept and refused. */
  stats(): CacheStats {
    return { records: this.records.size, bytes: this.bytes, ...this.counters };
  }

  private takeToken(source: string, now: number): boolean {
    let b = this.buckets.get(source);
    if (!b) {
      if (this.buckets.size >= this.limits.maxSources) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      b = { tokens: this.limits.sourceBurst, at: now };
      this.buckets.set(source, b);
    }
    const elapsed = Math.max(0, now - b.at) / 1000;
    b.tokens = Math.min(this.limits.sourceBurst, b.tokens + elapsed * this.limits.sourceRecordsPerSec);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private ingestRecord(raw: unknown, iface: string, source: string, now: number, dirty: Set<string>, flushedSets: Set<string>): void {
    if (typeof raw !== 'object' || raw === null) {
      this.counters.malformed++;
      return;
    }
    const r = raw as MdnsRecord;
    if (typeof r.type !== 'string') {
      this.counters.malformed++;
      return;
    }
    if (!KEPT_TYPES.has(r.type)) {
      this.counters.ignored++;
      return;
    }
    const type = r.type as RecordType;
    if (typeof r.name !== 'string' || r.name.length === 0) {
      this.counters.malformed++;
      return;
    }
    if (r.name.length > MAX_NAME_CHARS) {
      this.counters.oversized++;
      return;
    }
    if (typeof r.ttl !== 'number' || !Number.isInteger(r.ttl) || r.ttl < 0) {
      this.counters.malformed++;
      return;
    }
    const checked = checkData(type, r.data, this.limits.maxTxtBytes);
    if (!checked.ok) {
      this.counters[checked.why]++;
      return;
    }
    if (checked.rdata.type === 'TXT' && checked.rdata.truncated) this.counters.oversized++;
    this.counters.accepted++;
    const owner = lowerName(r.name);
    const key = `${owner}|${type}|${checked.key}`;
    const ttl = Math.min(r.ttl, this.limits.maxTtlSec);
    const existing = this.records.get(key);

    if (ttl === 0) {
      // Goodbye: the record goes one second from now, on this interface only (§10.1).
      const s = existing?.sightings.get(iface);
      if (existing && s && s.expiresAt > now + GOODBYE_DELAY_MS) {
        s.expiresAt = now + GOODBYE_DELAY_MS;
        s.ttl = 0;
        s.retiring = true;
        this.nextExpiry = Math.min(this.nextExpiry, s.expiresAt);
      }
      return;
    }

    // Cache flush (§10.2): other records of this name and type heard on this link more than a
    // second ago are replaced; they go in one second.
    if (r.flush === true) {
      const setKey = `${owner}|${type}|${iface}`;
      if (!flushedSets.has(setKey)) {
        flushedSets.add(setKey);
        for (const other of this.byOwnerType.get(`${owner}|${type}`) ?? []) {
          if (other.key === key) continue;
          const s = other.sightings.get(iface);
          if (s && s.receivedAt < now - GOODBYE_DELAY_MS && s.expiresAt > now + GOODBYE_DELAY_MS) {
            s.expiresAt = now + GOODBYE_DELAY_MS;
            s.retiring = true;
            this.nextExpiry = Math.min(this.nextExpiry, s.expiresAt);
          }
        }
      }
    }

    const previous = existing?.sightings.get(iface)?.sources ?? [];
    const sources = [...previous.filter((x) => x !== source), source].slice(-SOURCES_PER_SIGHTING);
    const sighting: Sighting = { ttl, receivedAt: now, expiresAt: now + ttl * 1000, sources, refreshes: 0, retiring: false };
    let rec = existing;
    if (rec) {
      // Most recently heard last, so that eviction takes the longest-unheard record first.
      this.records.delete(key);
      this.records.set(key, rec);
      if (!rec.sightings.has(iface)) {
        if (rec.sightings.size >= this.limits.maxInterfacesPerRecord) return;
        if (owner === SERVICES_NAME) this.typeRecordsVersion++;
      }
      rec.sightings.set(iface, sighting);
    } else {
      rec = { key, owner, name: r.name, rdata: checked.rdata, size: checked.size + r.name.length + 96, sightings: new Map([[iface, sighting]]) };
      this.insert(rec);
    }
    this.nextExpiry = Math.min(this.nextExpiry, sighting.expiresAt);
    this.markDirty(rec, dirty);
    this.evictOverCaps(dirty);
  }

  private insert(rec: StoredRecord): void {
    if (rec.owner === SERVICES_NAME) this.typeRecordsVersion++;
    this.records.set(rec.key, rec);
    this.bytes += rec.size;
    const ot = `${rec.owner}|${rec.rdata.type}`;
    let set = this.byOwnerType.get(ot);
    if (!set) this.byOwnerType.set(ot, (set = new Set()));
    set.add(rec);
    if (rec.rdata.type === 'PTR' && isServiceType(rec.owner)) {
      const ik = lowerName(rec.rdata.target);
      let s = this.ptrByInstance.get(ik);
      if (!s) this.ptrByInstance.set(ik, (s = new Set()));
      s.add(rec);
    }
    if (rec.rdata.type === 'SRV') {
      const hk = lowerName(rec.rdata.target);
      let s = this.srvByHost.get(hk);
      if (!s) this.srvByHost.set(hk, (s = new Set()));
      s.add(rec);
    }
  }

  private remove(rec: StoredRecord): void {
    if (!this.records.delete(rec.key)) return;
    if (rec.owner === SERVICES_NAME) this.typeRecordsVersion++;
    this.bytes -= rec.size;
    const drop = <K>(map: Map<K, Set<StoredRecord>>, k: K): void => {
      const s = map.get(k);
      if (s && s.delete(rec) && s.size === 0) map.delete(k);
    };
    drop(this.byOwnerType, `${rec.owner}|${rec.rdata.type}`);
    if (rec.rdata.type === 'PTR') drop(this.ptrByInstance, lowerName(rec.rdata.target));
    if (rec.rdata.type === 'SRV') drop(this.srvByHost, lowerName(rec.rdata.target));
  }

  private evictOverCaps(dirty: Set<string>): void {
    while (this.records.size > this.limits.maxRecords || this.bytes > this.limits.maxBytes) {
      const oldest = this.records.values().next().value;
      if (!oldest) break;
      this.remove(oldest);
      this.counters.evicted++;
      this.markDirty(oldest, dirty);
    }
  }

  /** The instances whose view a change of `rec` may alter. */
  private markDirty(rec: StoredRecord, dirty: Set<string>): void {
    switch (rec.rdata.type) {
      case 'PTR':
        if (isServiceType(rec.owner)) dirty.add(lowerName(rec.rdata.target));
        break;
      case 'SRV':
      case 'TXT':
        dirty.add(rec.owner);
        break;
      case 'A':
      case 'AAAA':
        for (const srv of this.srvByHost.get(rec.owner) ?? []) dirty.add(srv.owner);
        break;
    }
  }

  private expireInto(now: number, dirty: Set<string>): ServiceChange[] {
    while (now >= this.nextExpiry) {
      let next = Infinity;
      this.lapsed = false;
      for (const rec of [...this.records.values()]) {
        let changed = false;
        for (const [iface, s] of rec.sightings) {
          if (s.expiresAt <= now) {
            rec.sightings.delete(iface);
            changed = true;
            if (rec.owner === SERVICES_NAME) this.typeRecordsVersion++;
            // An SRV that ran out although it was asked for four times (§5.2) means its
            // responder is gone without a goodbye (crashed, unplugged): the instance goes too,
            // on that interface, instead of lingering for the PTR's 75 minutes (§10.5).
            if (rec.rdata.type === 'SRV' && !s.retiring) this.lapse(rec.owner, iface, now);
          } else {
            next = Math.min(next, s.expiresAt);
          }
        }
        if (rec.sightings.size === 0) this.remove(rec);
        if (changed) this.markDirty(rec, dirty);
      }
      // A lapse retires PTRs that this pass may already have passed: scan again.
      this.nextExpiry = this.lapsed ? now : next;
    }
    const changes: ServiceChange[] = [];
    for (const key of [...dirty].sort()) {
      const before = this.views.get(key);
      const view = this.buildView(key);
      if (!view) {
        if (before) {
          this.views.delete(key);
          changes.push({ kind: 'removed', instance: before.view });
        }
        continue;
      }
      if (before) view.firstSeen = before.view.firstSeen;
      const sig = signature(view);
      this.views.set(key, { view, sig });
      if (!before) changes.push({ kind: 'added', instance: view });
      else if (before.sig !== sig) changes.push({ kind: 'updated', instance: view });
    }
    return changes;
  }

  /** The freshest live record of a set (SRV and TXT are unique records: the latest one wins). */
  private static freshest(set: Iterable<StoredRecord> | undefined): StoredRecord | null {
    let best: StoredRecord | null = null;
    let bestAt = -Infinity;
    for (const r of set ?? []) {
      for (const s of r.sightings.values()) {
        if (s.receivedAt > bestAt) {
          bestAt = s.receivedAt;
          best = r;
        }
      }
    }
    return best;
  }

  private buildView(key: string): ServiceInstance | null {
    const ptrs = this.ptrByInstance.get(key);
    if (!ptrs || ptrs.size === 0) return null;
    const ptr = ServiceCache.freshest(ptrs);
    if (!ptr || ptr.rdata.type !== 'PTR') return null;
    const type = ptr.name;
    const full = ptr.rdata.target;
    const label = lowerName(full).endsWith(`.${lowerName(type)}`) ? full.slice(0, full.length - type.length - 1) : full;
    if (label.length === 0) return null;

    const interfaces = new Set<string>();
    const sources = new Map<string, { iface: string; address: string }>();
    let ttl = 0;
    let firstSeen = Infinity;
    let lastSeen = -Infinity;
    const note = (r: StoredRecord): void => {
      for (const [iface, s] of r.sightings) {
        for (const address of s.sources) if (sources.size < MAX_SOURCES) sources.set(`${iface}|${address}`, { iface, address });
        lastSeen = Math.max(lastSeen, s.receivedAt);
        firstSeen = Math.min(firstSeen, s.receivedAt);
      }
    };
    for (const p of ptrs) {
      for (const [iface, s] of p.sightings) {
        interfaces.add(iface);
        if (p === ptr) ttl = Math.max(ttl, s.ttl);
      }
      note(p);
    }
    const srv = ServiceCache.freshest(this.byOwnerType.get(`${key}|SRV`));
    const txt = ServiceCache.freshest(this.byOwnerType.get(`${key}|TXT`));
    if (srv) note(srv);
    if (txt) note(txt);

    const addresses: ServiceAddress[] = [];
    if (srv && srv.rdata.type === 'SRV') {
      const host = lowerName(srv.rdata.target);
      for (const family of ['A', 'AAAA'] as const) {
        for (const a of this.byOwnerType.get(`${host}|${family}`) ?? []) {
          if (a.rdata.type !== 'A' && a.rdata.type !== 'AAAA') continue;
          addresses.push({ address: a.rdata.address, family: family === 'A' ? 'ipv4' : 'ipv6', interfaces: sortedUnique(a.sightings.keys()) });
        }
      }
      addresses.sort((x, y) => (x.family === y.family ? x.address.localeCompare(y.address) : x.family === 'ipv4' ? -1 : 1));
    }
    const txtView = txt && txt.rdata.type === 'TXT' ? decodeTxt(txt.rdata.strings, txt.rdata.truncated) : null;
    const s = srv && srv.rdata.type === 'SRV' ? srv.rdata : null;
    const missing: ServiceInstance['missing'] = [];
    if (!s) missing.push('SRV');
    // An empty TXT (one zero-length string, RFC 6763 §6.1) is an answer: only no record at all is missing.
    if (!txtView) missing.push('TXT');
    if (addresses.length === 0) missing.push('address');
    return {
      key,
      name: label,
      type,
      host: s ? s.target : null,
      port: s ? s.port : null,
      priority: s ? s.priority : null,
      weight: s ? s.weight : null,
      txt: txtView ? txtView.entries : [],
      txtBytes: txtView ? txtView.bytes : 0,
      txtTruncated: txtView ? txtView.truncated : false,
      addresses,
      missing,
      interfaces: sortedUnique(interfaces),
      sources: [...sources.values()].sort((a, b) => (a.iface === b.iface ? a.address.localeCompare(b.address) : a.iface.localeCompare(b.iface))),
      ttl,
      firstSeen,
      lastSeen,
    };
  }
}
