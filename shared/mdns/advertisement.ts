/**
 * Publishing a test service over mDNS (RFC 6762 §8, §6, §10.1; RFC 6763): the records, the
 * probe and announcement schedule, conflict renaming, and which records answer a query. Pure, so
 * that the socket code only sends what these functions decide.
 */
import { lowerName, SERVICES_NAME } from './serviceCache';

/** The service to publish, as the user gives it. */
export interface AdvertisedService {
  /** Instance label, e.g. "Gapscope Test"; spaces and UTF-8 allowed, no dots. */
  name: string;
  /** Service type with domain, e.g. "_http._tcp.local". */
  type: string;
  port: number;
  /** "key=value" or "key" strings, each at most 255 bytes. */
  txt: string[];
  /** Host name the SRV points to, e.g. "gapscope-lab.local"; its A/AAAA are published too. */
  host: string;
}

/** A record to send, in dns-packet's shape (TXT data as strings). */
export interface OutRecord {
  name: string;
  type: 'PTR' | 'SRV' | 'TXT' | 'A' | 'AAAA';
  ttl: number;
  /** Unique records carry the cache-flush bit (§10.2); shared PTRs do not. */
  flush: boolean;
  data: string | string[] | { priority: number; weight: number; port: number; target: string };
}

/** A question as dns-packet decodes it. */
export interface InQuestion {
  name: string;
  type: string;
  class?: string;
}

/** TTLs recommended by RFC 6762 §10: 120 s for records with a host name, 75 min for the rest. */
export const HOST_TTL = 120;
export const OTHER_TTL = 4500;
/** Probes: three, 250 ms apart, after a random 0–250 ms (§8.1). */
export const PROBE_COUNT = 3;
export const PROBE_INTERVAL_MS = 250;
/** Announcements: two, one second apart (§8.3). */
export const ANNOUNCE_COUNT = 2;
export const ANNOUNCE_INTERVAL_MS = 1000;
/** Legacy unicast answers carry at most this TTL (§6.7). */
export const LEGACY_TTL = 10;

/** Bytes of a string in UTF-8 (DNS labels and TXT strings are limited in bytes, not characters); a lone surrogate counts as the 3 bytes of U+FFFD. */
export function utf8Length(text: string): number {
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/** The instance's full name. */
export function instanceName(s: AdvertisedService): string {
  return `${s.name}.${s.type}`;
}

/** Why a service cannot be published as given, or null. */
export function checkService(s: AdvertisedService): string | null {
  if (s.name.length === 0 || utf8Length(s.name) > 63) return 'The service name must be 1 to 63 bytes of UTF-8.';
  if (s.name.includes('.')) return 'The service name may not contain a dot (the DNS library Gapscope uses would split it into two labels).';
  if (!/^_[A-Za-z0-9-]{1,15}\._(tcp|udp)\.[A-Za-z0-9.-]+$/.test(s.type)) return `${s.type} is not a service type like _http._tcp.local.`;
  if (!Number.isInteger(s.port) || s.port < 0 || s.port > 65535) return 'The port must be 0 to 65535.';
  if (!/^[A-Za-z0-9-]{1,63}\.local$/.test(s.host)) return `${s.host} is not a host name like gapscope-test.local.`;
  if (s.txt.some((t) => t.length === 0 || utf8Length(t) > 255 || t.startsWith('='))) return 'Each TXT entry must be 1 to 255 bytes and start with a key.';
  return null;
}

/**
 * The name after a conflict (§9): "Name" becomes "Name (2)", "Name (2)" becomes "Name (3)", as
 * Apple's and avahi's responders do, so that a user recognises the renamed service.
 */
export function nextName(name: string): string {
  const m = /^(.*) \((\d+)\)$/.exec(name);
  if (m && Number(m[2]) < 1e6) return `${m[1]} (${Number(m[2]) + 1})`;
  return `${name} (2)`;
}

/** The next host name after a conflict: "gapscope-test.local" becomes "gapscope-test-2.local". */
export function nextHost(host: string): string {
  const base = host.replace(/\.local$/i, '');
  const m = /^(.*)-(\d+)$/.exec(base);
  return m && Number(m[2]) < 1e6 ? `${m[1]}-${Number(m[2]) + 1}.local` : `${base}-2.local`;
}

/** Every record of the service: shared PTRs, unique SRV and TXT, and the host's addresses on one interface. */
export function serviceRecords(s: AdvertisedService, addresses: string[]): OutRecord[] {
  const full = instanceName(s);
  return [
    { name: SERVICES_NAME, type: 'PTR', ttl: OTHER_TTL, flush: false, data: s.type },
    { name: s.type, type: 'PTR', ttl: OTHER_TTL, flush: false, data: full },
    { name: full, type: 'SRV', ttl: HOST_TTL, flush: true, data: { priority: 0, weight: 0, port: s.port, target: s.host } },
    // A copy: dns-packet turns the strings of a TXT it encodes into Buffers in place.
    { name: full, type: 'TXT', ttl: OTHER_TTL, flush: true, data: s.txt.length ? [...s.txt] : [''] },
    ...addresses.map((a): OutRecord => ({ name: s.host, type: a.includes(':') ? 'AAAA' : 'A', ttl: HOST_TTL, flush: true, data: a })),
  ];
}

/** The goodbye (§10.1): every record again with TTL 0. */
export function goodbyeRecords(records: OutRecord[]): OutRecord[] {
  return records.map((r) => ({ ...r, ttl: 0 }));
}

/** The times of the probes and then the announcements, from a random number in [0, 1) for the first delay. */
export function publishSchedule(random: number): { probes: number[]; announcements: number[] } {
  const first = Math.floor(Math.min(Math.max(Number.isFinite(random) ? random : 0, 0), 0.999) * 250);
  const probes = Array.from({ length: PROBE_COUNT }, (_, k) => first + k * PROBE_INTERVAL_MS);
  const start = probes[PROBE_COUNT - 1]! + PROBE_INTERVAL_MS;
  return { probes, announcements: Array.from({ length: ANNOUNCE_COUNT }, (_, k) => start + k * ANNOUNCE_INTERVAL_MS) };
}

/** Whether a record heard from another host claims one of our unique names with different data: a conflict (§9). */
export function conflicts(s: AdvertisedService, ours: OutRecord[], heard: { name?: unknown; type?: unknown; data?: unknown }): 'name' | 'host' | null {
  if (typeof heard.name !== 'string') return null;
  const owner = lowerName(heard.name);
  const same = ours.some((o) => lowerName(o.name) === owner && o.type === heard.type && sameData(o, heard.data));
  if (same) return null;
  if (owner === lowerName(instanceName(s))) return 'name';
  if (owner === lowerName(s.host) && (heard.type === 'A' || heard.type === 'AAAA')) return 'host';
  return null;
}

function sameData(o: OutRecord, data: unknown): boolean {
  if (typeof o.data === 'string') return typeof data === 'string' && lowerName(data) === lowerName(o.data);
  if (Array.isArray(o.data)) {
    if (!Array.isArray(data) || data.length !== o.data.length) return false;
    return o.data.every((t, k) => {
      const d: unknown = data[k];
      const text = typeof d === 'string' ? d : d instanceof Uint8Array ? String.fromCharCode(...d) : null;
      return text !== null && text === unescape(encodeURIComponent(t));
    });
  }
  const d = data as { port?: unknown; target?: unknown } | null;
  return !!d && d.port === o.data.port && typeof d.target === 'string' && lowerName(d.target) === lowerName(o.data.target);
}

/**
 * The answers to a query (§6): for each question, our records of that name and type (ANY
 * matches every type), minus those the querier already knows with at least half their TTL (§7.1),
 * and, as additionals, the SRV, TXT and addresses that a browser would ask for next (§12, RFC 6763 §12).
 */
export function answersFor(questions: readonly InQuestion[], known: readonly { name?: unknown; type?: unknown; ttl?: unknown; data?: unknown }[], ours: OutRecord[]): { answers: OutRecord[]; additionals: OutRecord[] } {
  const answers: OutRecord[] = [];
  for (const q of questions) {
    if (typeof q.name !== 'string') continue;
    const name = lowerName(q.name);
    for (const r of ours) {
      if (lowerName(r.name) !== name || (q.type !== 'ANY' && q.type !== r.type)) continue;
      const suppressed = known.some((k) => typeof k.name === 'string' && lowerName(k.name) === name && k.type === r.type && typeof k.ttl === 'number' && k.ttl >= r.ttl / 2 && sameData(r, k.data));
      if (!suppressed && !answers.includes(r)) answers.push(r);
    }
  }
  const additionals: OutRecord[] = [];
  const add = (r: OutRecord): void => {
    if (!answers.includes(r) && !additionals.includes(r)) additionals.push(r);
  };
  for (const a of [...answers]) {
    if (a.type === 'PTR' && lowerName(a.name) !== SERVICES_NAME) {
      for (const r of ours) if (lowerName(r.name) === lowerName(a.data as string) && (r.type === 'SRV' || r.type === 'TXT')) add(r);
    }
  }
  for (const a of [...answers, ...additionals]) {
    if (a.type === 'SRV') {
      const host = lowerName((a.data as { target: string }).target);
      for (const r of ours) if (lowerName(r.name) === host && (r.type === 'A' || r.type === 'AAAA')) add(r);
    }
  }
  return { answers, additionals };
}

/** A legacy unicast answer (§6.7): TTLs capped at 10 s and no cache-flush bit, for resolvers like dig that do not speak mDNS. */
export function legacyAnswer(records: OutRecord[]): OutRecord[] {
  return records.map((r) => ({ ...r, ttl: Math.min(r.ttl, LEGACY_TTL), flush: false }));
}

/** A record of a probe's authority section in wire form, for the tie-break: class, type and uncompressed rdata. */
export interface ProbeRecord {
  /** The class without the cache-flush bit. */
  cls: number;
  type: number;
  rdata: Uint8Array;
}

function compareRecord(a: ProbeRecord, b: ProbeRecord): number {
  if (a.cls !== b.cls) return a.cls - b.cls;
  if (a.type !== b.type) return a.type - b.type;
  const n = Math.min(a.rdata.length, b.rdata.length);
  for (let i = 0; i < n; i++) if (a.rdata[i] !== b.rdata[i]) return a.rdata[i]! - b.rdata[i]!;
  return a.rdata.length - b.rdata.length;
}

/**
 * Simultaneous probe tie-breaking (RFC 6762 §8.2) for one name: both hosts' proposed records of
 * that name, each list sorted by class, type and rdata bytes, compared pair by pair; the first
 * difference decides, and a host with records left over wins. Positive: ours are later, we win;
 * negative: we lose and must wait one second and probe again; 0: the same data (our own probe).
 */
export function probeTieBreak(ours: readonly ProbeRecord[], theirs: readonly ProbeRecord[]): number {
  const a = [...ours].sort(compareRecord);
  const b = [...theirs].sort(compareRecord);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareRecord(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
