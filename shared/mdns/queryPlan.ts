/** When to ask again and what not to be told again (RFC 6762 §5.2 and §7.1), as pure functions the browser and its tests share. */
import { parseIPv4, parseIPv6 } from '../net/address';

/** The first interval of continuous querying: at least one second between the first two queries (§5.2). */
export const FIRST_QUERY_INTERVAL_MS = 1000;
/** Continuous querying stops doubling at one hour (§5.2). */
export const MAX_QUERY_INTERVAL_MS = 60 * 60 * 1000;

/** The wait after query number `n` (0 = after the first): 1 s, 2 s, 4 s … doubling up to 60 min, as §5.2 asks of a continuous querier. */
export function queryIntervalMs(n: number): number {
  if (!Number.isFinite(n) || n <= 0) return FIRST_QUERY_INTERVAL_MS;
  if (n >= 22) return MAX_QUERY_INTERVAL_MS;
  return Math.min(FIRST_QUERY_INTERVAL_MS * 2 ** Math.floor(n), MAX_QUERY_INTERVAL_MS);
}

/** The send times of the first `count` queries, counted from the first one at 0 ms; for schedules and their tests. */
export function querySchedule(count: number): number[] {
  const times: number[] = [];
  let t = 0;
  for (let i = 0; i < count; i++) {
    times.push(t);
    t += queryIntervalMs(i);
  }
  return times;
}

/** The random delay of 20–120 ms before the first query (§5.2), from a number in [0, 1), so that hosts that start together do not collide. */
export function initialQueryDelayMs(random: number): number {
  const r = Number.isFinite(random) ? Math.min(Math.max(random, 0), 0.999999) : 0;
  return 20 + Math.floor(r * 101);
}

/** One cached answer as seen on one interface, the input of known-answer suppression. */
export interface CachedAnswer<R> {
  record: R;
  /** The TTL the record arrived with, seconds. */
  ttl: number;
  /** When it arrived, ms. */
  receivedAt: number;
}

/**
 * The known answers to put in a query (§7.1): records with more than half their TTL left, each
 * with its remaining TTL in whole seconds, so that responders do not repeat what we already know
 * and still refresh what is about to expire.
 */
export function knownAnswers<R>(cached: readonly CachedAnswer<R>[], now: number): Array<{ record: R; ttl: number }> {
  const out: Array<{ record: R; ttl: number }> = [];
  for (const c of cached) {
    if (!(c.ttl > 0)) continue;
    const remainingMs = c.receivedAt + c.ttl * 1000 - now;
    if (remainingMs * 2 > c.ttl * 1000) out.push({ record: c.record, ttl: Math.floor(remainingMs / 1000) });
  }
  return out;
}

/** Refreshes of a cached record are asked at 80%, 85%, 90% and 95% of its TTL (§5.2), so that a live record is renewed before it expires. */
export const REFRESH_POINTS = [0.8, 0.85, 0.9, 0.95] as const;

/** How many of the refresh points of a record received at `receivedAt` with `ttl` seconds have passed at `now`. */
export function refreshPointsPassed(receivedAt: number, ttl: number, now: number): number {
  if (!(ttl > 0)) return 0;
  const f = (now - receivedAt) / (ttl * 1000);
  return REFRESH_POINTS.filter((p) => f >= p).length;
}

/** Record types by number, for questions and known answers. */
const QTYPES: Record<string, number> = { A: 1, PTR: 12, TXT: 16, AAAA: 28, SRV: 33, ANY: 255 };

function utf8(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return out;
}

/** One question of a query: a name as labels (so that "Printer v1.2" stays one label), its type, and whether to ask for a unicast answer (QU, RFC 6762 §5.4). */
export interface QueryQuestion {
  labels: readonly string[];
  type: string;
  unicastResponse?: boolean;
}

/** The data of a known answer, names as labels. */
export type KnownAnswerData =
  | { type: 'PTR'; target: readonly string[] }
  | { type: 'SRV'; priority: number; weight: number; port: number; target: readonly string[] }
  | { type: 'TXT'; strings: readonly Uint8Array[] }
  | { type: 'A' | 'AAAA'; address: string };

/** A record the querier already holds, listed in its query so that responders do not repeat it (§7.1). */
export interface KnownAnswer {
  labels: readonly string[];
  /** The TTL that remains, seconds. */
  ttl: number;
  data: KnownAnswerData;
}

/** An encoded query, which questions it asks, which it could never ask (bad name or type), and how many known answers fitted. */
export interface EncodedQuery {
  bytes: Uint8Array;
  /** Indices into the questions given. */
  asked: number[];
  invalid: number[];
  answers: number;
  /** Indices into the known answers given that are sound but did not fit. */
  leftOut: number[];
}

/** Writes names with compression (RFC 1035 §4.1.4), suffixes matched exactly as spelled. */
class NameWriter {
  private readonly seen = new Map<string, number>();
  /** Suffixes in the order they were remembered, so that a record taken back forgets its own. */
  private readonly order: string[] = [];
  constructor(readonly out: number[]) {}

  /** A point to go back to: the bytes written and the suffixes remembered so far. */
  mark(): { bytes: number; names: number } {
    return { bytes: this.out.length, names: this.order.length };
  }

  /** Takes back everything written since `m`, and forgets the suffixes it started (a pointer to them would point past the packet's end, or into what comes next). */
  rollback(m: { bytes: number; names: number }): void {
    this.out.length = m.bytes;
    for (const key of this.order.splice(m.names)) this.seen.delete(key);
  }

  /** The bytes of a name at the current end of `out`, or null when a label is empty or over 63 bytes or the name over 255. */
  encode(labels: readonly string[], compress: boolean): number[] | null {
    if (labels.length === 0) return null;
    const bytes: number[] = [];
    let total = 1;
    for (let i = 0; i < labels.length; i++) {
      const key = labels.slice(i).join('\u0000');
      const at = compress ? this.seen.get(key) : undefined;
      if (at !== undefined) {
        bytes.push(0xc0 | (at >> 8), at & 0xff);
        return total + 2 > 256 ? null : bytes;
      }
      const b = utf8(labels[i]!);
      if (b.length === 0 || b.length > 63) return null;
      total += b.length + 1;
      bytes.push(b.length, ...b);
    }
    bytes.push(0);
    return total > 255 ? null : bytes;
  }

  /** Appends bytes made by `encode` at the end of `out`, remembering the suffixes they start. */
  append(labels: readonly string[], bytes: readonly number[]): void {
    let offset = this.out.length;
    let pos = 0;
    for (let i = 0; i < labels.length && pos < bytes.length; i++) {
      const len = bytes[pos]!;
      if ((len & 0xc0) === 0xc0 || len === 0) break;
      const key = labels.slice(i).join('\u0000');
      if (offset < 0x3fff && !this.seen.has(key)) {
        this.seen.set(key, offset);
        this.order.push(key);
      }
      offset += len + 1;
      pos += len + 1;
    }
    this.out.push(...bytes);
  }
}

function rdata(w: NameWriter, d: KnownAnswerData): number[] | null {
  switch (d.type) {
    case 'PTR':
      // Written right after RDLENGTH, so its name may point back into the packet.
      return w.encode(d.target, true);
    case 'SRV': {
      if (![d.priority, d.weight, d.port].every((n) => Number.isInteger(n) && n >= 0 && n <= 0xffff)) return null;
      const name = w.encode(d.target, false);
      return name ? [d.priority >> 8, d.priority & 0xff, d.weight >> 8, d.weight & 0xff, d.port >> 8, d.port & 0xff, ...name] : null;
    }
    case 'TXT': {
      const out: number[] = [];
      for (const s of d.strings) {
        if (s.length > 255) return null;
        out.push(s.length, ...s);
      }
      return out.length === 0 ? [0] : out;
    }
    case 'A':
      return parseIPv4(d.address);
    case 'AAAA': {
      const a = parseIPv6(d.address);
      return a && a.zone === null ? [...a.bytes] : null;
    }
  }
}

/**
 * A query packet: the questions (names as labels, so that an instance label containing dots stays
 * one label; dns-packet would split it), then known answers (§7.1), names compressed, questions
 * in order until one does not fit in `maxBytes`, then as many known answers as fit. A question or
 * answer with an empty or over-long label, an unknown type or bad data is left out. Known answers
 * never carry the cache-flush bit (§10.2).
 */
export function encodeQuery(questions: readonly QueryQuestion[], answers: readonly KnownAnswer[] = [], maxBytes = 1400): EncodedQuery {
  const out: number[] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const w = new NameWriter(out);
  const asked: number[] = [];
  const invalid: number[] = [];
  let an = 0;
  const leftOut: number[] = [];
  for (let i = 0; i < questions.length; i++) {
    const q = questions[i]!;
    const t = QTYPES[q.type];
    const name = t === undefined ? null : w.encode(q.labels, true);
    if (t === undefined || !name) {
      invalid.push(i);
      continue;
    }
    if (out.length + name.length + 4 > maxBytes || asked.length >= 0xffff) break;
    w.append(q.labels, name);
    out.push(t >> 8, t & 0xff, q.unicastResponse ? 0x80 : 0, 1);
    asked.push(i);
  }
  const qd = asked.length;
  for (let i = 0; i < answers.length; i++) {
    const a = answers[i]!;
    const t = QTYPES[a.data.type];
    if (t === undefined || an >= 0xffff || !(Number.isInteger(a.ttl) && a.ttl >= 0)) continue;
    const name = w.encode(a.labels, true);
    if (!name) continue;
    const start = w.mark();
    w.append(a.labels, name);
    out.push(t >> 8, t & 0xff, 0, 1, (a.ttl >>> 24) & 0xff, (a.ttl >>> 16) & 0xff, (a.ttl >>> 8) & 0xff, a.ttl & 0xff, 0, 0);
    const data = rdata(w, a.data);
    if (!data || out.length + data.length > maxBytes) {
      w.rollback(start);
      if (data) leftOut.push(i);
      continue;
    }
    out[out.length - 2] = data.length >> 8;
    out[out.length - 1] = data.length & 0xff;
    if (a.data.type === 'PTR') w.append(a.data.target, data);
    else out.push(...data);
    an++;
  }
  out[4] = qd >> 8;
  out[5] = qd & 0xff;
  out[6] = an >> 8;
  out[7] = an & 0xff;
  return { bytes: Uint8Array.from(out), asked, invalid, answers: an, leftOut };
}

/** The TC bit of the header's flags: more known answers follow in the next packet (RFC 6762 §7.2). */
const TC = 0x02;

/**
 * A query whose known answers may need several packets (RFC 6762 §7.2): the first carries the
 * questions and the known answers that fit, each next one only known answers, and all but the
 * last have the TC bit set, so that a responder waits for the rest before it answers. At most
 * `maxPackets`; known answers past them are left out (the responder then simply answers).
 */
export function encodeQueryPackets(questions: readonly QueryQuestion[], answers: readonly KnownAnswer[] = [], maxBytes = 1400, maxPackets = 8): EncodedQuery & { packets: Uint8Array[] } {
  const first = encodeQuery(questions, answers, maxBytes);
  const packets = [first.bytes];
  // Indices into `answers` of those still to send.
  let rest = first.leftOut;
  let total = first.answers;
  while (rest.length > 0 && packets.length < maxPackets) {
    const next = encodeQuery([], rest.map((i) => answers[i]!), maxBytes);
    // One that does not fit even alone would never go: stop rather than loop.
    if (next.answers === 0) break;
    packets.push(next.bytes);
    total += next.answers;
    const was = rest;
    rest = next.leftOut.map((i) => was[i]!);
  }
  for (let i = 0; i < packets.length - 1; i++) packets[i]![2] = packets[i]![2]! | TC;
  return { ...first, answers: total, leftOut: rest, packets };
}

/** One question asked continuously until answered (§5.2), with what it is about. */
export interface ScheduledQuestion<T> {
  key: string;
  item: T;
  /** Queries sent so far. */
  n: number;
  nextAt: number;
}

/**
 * Continuous querying of a changing set of questions (§5.2): a question that appears is first
 * asked when the caller says (after a random 20–120 ms, `initialQueryDelayMs`), then again after
 * 1 s, 2 s, 4 s … up to an hour, until it is no longer wanted (answered, or its instance gone);
 * one that comes back starts over.
 */
export class QuestionSchedule<T> {
  private readonly entries = new Map<string, ScheduledQuestion<T> & { wantedBy: Set<string> }>();
  /** Which questions each group (e.g. an instance) wants: a question shared by several (a host's address) stays while one wants it. */
  private readonly groups = new Map<string, Set<string>>();

  /**
   * Makes what `group` wants exactly `wanted` (by key), so that a caller updates only the groups
   * that changed: new questions are first asked at `firstAt` (give those that appear together
   * the same time, so that they go in one packet), questions still wanted keep their place, and
   * those no group wants any more are dropped.
   */
  setGroup(group: string, wanted: Iterable<{ key: string; item: T }>, firstAt: number): void {
    const before = this.groups.get(group);
    const keys = new Set<string>();
    for (const w of wanted) {
      keys.add(w.key);
      const e = this.entries.get(w.key);
      if (e) {
        e.item = w.item;
        e.wantedBy.add(group);
      } else this.entries.set(w.key, { key: w.key, item: w.item, n: 0, nextAt: firstAt, wantedBy: new Set([group]) });
    }
    for (const k of before ?? []) {
      if (keys.has(k)) continue;
      const e = this.entries.get(k);
      e?.wantedBy.delete(group);
      if (e && e.wantedBy.size === 0) this.entries.delete(k);
    }
    if (keys.size > 0) this.groups.set(group, keys);
    else this.groups.delete(group);
  }

  /** The questions due at `now`, those asked least often first, then the longest waiting. */
  due(now: number): ScheduledQuestion<T>[] {
    const out: ScheduledQuestion<T>[] = [];
    for (const e of this.entries.values()) if (e.nextAt <= now) out.push(e);
    return out.sort((a, b) => a.n - b.n || a.nextAt - b.nextAt);
  }

  /** Records that a question went out at `now`: the next one waits twice as long as the last. */
  sent(key: string, now: number): void {
    const e = this.entries.get(key);
    if (!e) return;
    e.nextAt = now + queryIntervalMs(e.n);
    e.n++;
  }

  /**
   * Another host asked the same question (RFC 6762 §7.3: multicast, and no known answer of it that
   * we lack): if ours was about to go (never asked yet, or in the second half of its wait), it
   * counts as asked now and backs off as if sent. One just asked keeps its schedule.
   */
  askedElsewhere(key: string, now: number): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    if (e.n > 0 && e.nextAt - now > queryIntervalMs(e.n - 1) / 2) return false;
    this.sent(key, now);
    return true;
  }

  /** When the next question falls due after `now` (Infinity when none), so that the caller can wake then rather than on its next tick. */
  nextDueAfter(now: number): number {
    let at = Infinity;
    for (const e of this.entries.values()) if (e.nextAt > now) at = Math.min(at, e.nextAt);
    return at;
  }

  /** How many questions are wanted. */
  get size(): number {
    return this.entries.size;
  }
}

/** Questions taken one per source in turn (each source's in their order), so that a flood from one source goes after the others. */
export function inTurnBySource<T extends { item: { source: string } }>(list: readonly T[]): T[] {
  const groups = new Map<string, T[]>();
  for (const d of list) {
    let g = groups.get(d.item.source);
    if (!g) groups.set(d.item.source, (g = []));
    g.push(d);
  }
  const out: T[] = [];
  const queues = [...groups.values()];
  for (let i = 0; out.length < list.length; i++) for (const q of queues) if (i < q.length) out.push(q[i]!);
  return out;
}
