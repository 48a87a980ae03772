/** When to ask again and what not to be told again (RFC 6762 §5.2 and §7.1), as pure functions the browser and its tests share. */

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

/**
 * A query packet for names given as labels, so that an instance label containing dots
 * ("Printer v1.2") stays one label; dns-packet would split it. Questions that do not fit in
 * `maxBytes` or have a label over 63 bytes are left out.
 */
export function encodeLabelQuery(questions: ReadonlyArray<{ labels: readonly string[]; type: keyof typeof QTYPES | string }>, maxBytes = 1400): Uint8Array {
  const body: number[] = [];
  let count = 0;
  for (const q of questions) {
    const t = QTYPES[q.type];
    if (t === undefined || count >= 0xffff) continue;
    const bytes: number[] = [];
    let ok = q.labels.length > 0;
    for (const l of q.labels) {
      const b = utf8(l);
      if (b.length === 0 || b.length > 63) ok = false;
      bytes.push(b.length, ...b);
    }
    if (!ok || bytes.length + 1 > 255 || 12 + body.length + bytes.length + 5 > maxBytes) continue;
    body.push(...bytes, 0, t >> 8, t & 0xff, 0, 1);
    count++;
  }
  return Uint8Array.from([0, 0, 0, 0, count >> 8, count & 0xff, 0, 0, 0, 0, 0, 0, ...body]);
}
