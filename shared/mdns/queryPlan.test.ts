import { describe, expect, it } from 'vitest';
import { QuestionSchedule, encodeQuery, inTurnBySource, initialQueryDelayMs, knownAnswers, queryIntervalMs, querySchedule, refreshPointsPassed } from './queryPlan';

describe('continuous querying (RFC 6762 §5.2)', () => {
  it('waits 1 s, 2 s, 4 s … doubling up to one hour', () => {
    expect([0, 1, 2, 3, 10, 11, 12, 13, 100].map(queryIntervalMs)).toEqual([1000, 2000, 4000, 8000, 1_024_000, 2_048_000, 3_600_000, 3_600_000, 3_600_000]);
    expect(querySchedule(6)).toEqual([0, 1000, 3000, 7000, 15_000, 31_000]);
    expect(queryIntervalMs(Number.NaN)).toBe(1000);
  });

  it('delays the first query by 20–120 ms', () => {
    expect([0, 0.5, 0.999999, -1, 2, Number.NaN].map(initialQueryDelayMs)).toEqual([20, 70, 120, 20, 120, 20]);
  });
});

describe('known-answer suppression (RFC 6762 §7.1)', () => {
  it('lists records with more than half their TTL left, with the TTL that remains', () => {
    const cached = [
      { record: 'a', ttl: 120, receivedAt: 0 },
      { record: 'b', ttl: 120, receivedAt: -60_000 },
      { record: 'c', ttl: 120, receivedAt: -59_999 },
      { record: 'd', ttl: 0, receivedAt: 0 },
    ];
    expect(knownAnswers(cached, 0)).toEqual([
      { record: 'a', ttl: 120 },
      { record: 'c', ttl: 60 },
    ]);
  });
});

describe('refresh queries and their encoding', () => {
  it('counts the refresh points passed: 80, 85, 90, 95% of the TTL', () => {
    expect([0, 79_999, 80_000, 85_000, 90_000, 95_000, 200_000].map((t) => refreshPointsPassed(0, 100, t))).toEqual([0, 0, 1, 2, 3, 4, 4]);
    expect(refreshPointsPassed(0, 0, 1000)).toBe(0);
  });

  it('keeps a dotted, UTF-8 instance label as one label', () => {
    const q = encodeQuery([{ labels: ['a.b é', '_x', '_tcp', 'local'], type: 'SRV' }]);
    expect([...q.bytes]).toEqual([
      0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
      6, 0x61, 0x2e, 0x62, 0x20, 0xc3, 0xa9, 2, 0x5f, 0x78, 4, 0x5f, 0x74, 0x63, 0x70, 5, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0,
      0, 33, 0, 1,
    ]);
    expect(q).toMatchObject({ asked: [0], invalid: [], answers: 0 });
  });

  it('compresses repeated names and sets the QU bit only where asked (RFC 6762 §5.4)', () => {
    const q = encodeQuery([
      { labels: ['web', '_http', '_tcp', 'local'], type: 'SRV', unicastResponse: true },
      { labels: ['web', '_http', '_tcp', 'local'], type: 'TXT' },
      { labels: ['box', 'local'], type: 'A' },
    ]);
    const b = [...q.bytes];
    // First name in full at 12 (22 bytes); then SRV, class with the QU bit.
    expect(b.slice(12 + 22, 12 + 26)).toEqual([0, 33, 0x80, 1]);
    // The same name again: a pointer to offset 12; TXT, class IN without QU.
    expect(b.slice(38, 44)).toEqual([0xc0, 12, 0, 16, 0, 1]);
    // "box" then a pointer to "local" (offset 12 + 4 + 6 + 5).
    expect(b.slice(44, 54)).toEqual([3, 0x62, 0x6f, 0x78, 0xc0, 27, 0, 1, 0, 1]);
    expect(b.length).toBe(54);
  });

  it('writes known answers after the questions, without the cache-flush bit, with their remaining TTL (§7.1, §10.2)', () => {
    const q = encodeQuery(
      [{ labels: ['_http', '_tcp', 'local'], type: 'PTR' }],
      [
        { labels: ['_http', '_tcp', 'local'], ttl: 3000, data: { type: 'PTR', target: ['v1.2', '_http', '_tcp', 'local'] } },
        { labels: ['h', 'local'], ttl: 100, data: { type: 'A', address: '10.0.0.5' } },
        { labels: ['h', 'local'], ttl: 100, data: { type: 'A', address: '10.0.0.300' } },
      ],
    );
    const b = [...q.bytes];
    expect(q.answers).toBe(2);
    expect(b.slice(6, 8)).toEqual([0, 2]);
    // Question: 18-byte name + type/class = 34 bytes so far. Answer 1: pointer to 12, PTR, IN (no flush), TTL 3000, RDLENGTH 7, "v1.2" + pointer.
    expect(b.slice(34, 53)).toEqual([0xc0, 12, 0, 12, 0, 1, 0, 0, 0x0b, 0xb8, 0, 7, 4, 0x76, 0x31, 0x2e, 0x32, 0xc0, 12]);
    // Answer 2: "h" + pointer to "local" (at 12 + 11), A, IN, TTL 100, 4 bytes.
    expect(b.slice(53)).toEqual([1, 0x68, 0xc0, 23, 0, 1, 0, 1, 0, 0, 0, 100, 0, 4, 10, 0, 0, 5]);
  });

  it('forgets the names of a known answer it takes back, so later ones never point into it', () => {
    const q = encodeQuery(
      [{ labels: ['q', 'local'], type: 'A' }],
      [
        { labels: ['bad', 'sub', 'local'], ttl: 9, data: { type: 'A', address: '10.0.0.300' } },
        { labels: ['good', 'sub', 'local'], ttl: 9, data: { type: 'A', address: '10.0.0.1' } },
      ],
    );
    expect(q.answers).toBe(1);
    // Header, question (q.local: 9 bytes + 4), then "good" and "sub" in full, a pointer to "local" at 14.
    expect([...q.bytes.slice(25)]).toEqual([4, 0x67, 0x6f, 0x6f, 0x64, 3, 0x73, 0x75, 0x62, 0xc0, 14, 0, 1, 0, 1, 0, 0, 0, 9, 0, 4, 10, 0, 0, 1]);
  });

  it('asks questions in order until one does not fit, and says which it could never ask', () => {
    const q = encodeQuery([{ labels: ['', 'local'], type: 'A' }, { labels: ['x'.repeat(64)], type: 'A' }, { labels: ['h', 'local'], type: 'NSEC' }, { labels: ['h', 'local'], type: 'A' }, { labels: ['i', 'local'], type: 'A' }], [], 12 + 13 + 5);
    expect(q).toMatchObject({ asked: [3], invalid: [0, 1, 2] });
    expect(q.bytes[5]).toBe(1);
    expect(q.bytes.length).toBe(12 + 9 + 4);
    // Known answers that do not fit are left out; the questions stay.
    const k = encodeQuery([{ labels: ['h', 'local'], type: 'A' }], [{ labels: ['h', 'local'], ttl: 9, data: { type: 'TXT', strings: [new Uint8Array(200)] } }], 100);
    expect(k).toMatchObject({ asked: [0], answers: 0 });
  });
});

describe('continuous querying of resolution questions (RFC 6762 §5.2)', () => {
  it('asks a new question when told (20–120 ms after the need), then after 1 s, 2 s, 4 s, until it is no longer wanted', () => {
    const s = new QuestionSchedule<string>();
    s.setGroup('web', [{ key: 'srv', item: 'SRV of web' }], 1000 + initialQueryDelayMs(0.5));
    expect(s.due(1069)).toEqual([]);
    const sent: number[] = [];
    for (let t = 1000; t < 20_000; t += 10) {
      for (const d of s.due(t)) {
        sent.push(t);
        s.sent(d.key, t);
      }
    }
    expect(sent).toEqual([1070, 2070, 4070, 8070, 16_070]);
    // When to wake next: the next question due strictly after now.
    expect(s.nextDueAfter(16_070)).toBe(32_070);
    expect(s.nextDueAfter(32_070)).toBe(Infinity);
    // Answered: no longer wanted, no longer asked; wanted again: it starts over.
    s.setGroup('web', [], 20_000);
    expect(s.size).toBe(0);
    s.setGroup('web', [{ key: 'srv', item: 'SRV of web' }], 30_020);
    expect(s.due(30_020).map((d) => [d.key, d.n])).toEqual([['srv', 0]]);
  });

  it('keeps a question\u2019s place when it is still wanted, and puts those asked least first', () => {
    const s = new QuestionSchedule<string>();
    s.setGroup('g', [{ key: 'a', item: 'A' }], 20);
    s.sent('a', 20);
    s.setGroup('g', [{ key: 'a', item: 'A again' }, { key: 'b', item: 'B' }], 520);
    expect(s.due(1000).map((d) => [d.key, d.item, d.n])).toEqual([['b', 'B', 0]]);
    expect(s.due(1100).map((d) => [d.key, d.item, d.n])).toEqual([['b', 'B', 0], ['a', 'A again', 1]]);
  });

  it('keeps a question two groups want until neither does (two instances on one host ask its address once)', () => {
    const s = new QuestionSchedule<string>();
    s.setGroup('printer', [{ key: 'box|A', item: 'A of box' }], 50);
    s.setGroup('scanner', [{ key: 'box|A', item: 'A of box' }, { key: 'scan|TXT', item: 'TXT of scanner' }], 60);
    expect(s.due(60).map((d) => [d.key, d.nextAt])).toEqual([['box|A', 50], ['scan|TXT', 60]]);
    s.setGroup('printer', [], 70);
    expect(s.due(70).map((d) => d.key)).toEqual(['box|A', 'scan|TXT']);
    s.setGroup('scanner', [{ key: 'scan|TXT', item: 'TXT of scanner' }], 80);
    expect(s.due(80).map((d) => d.key)).toEqual(['scan|TXT']);
    expect(s.size).toBe(1);
  });

  it('counts a question another host asked as asked, when ours was about to go (RFC 6762 §7.3)', () => {
    const s = new QuestionSchedule<string>();
    s.setGroup('g', [{ key: 'txt', item: 'TXT' }], 100);
    // Never asked yet: another host's question takes its place (the next one waits 1 s).
    expect(s.askedElsewhere('txt', 60)).toBe(true);
    expect(s.due(1059)).toEqual([]);
    expect(s.due(1060).map((d) => [d.key, d.n])).toEqual([['txt', 1]]);
    // Just asked (first half of the 1 s wait): ours still goes as planned.
    expect(s.askedElsewhere('txt', 500)).toBe(false);
    // Second half: it counts, and the next wait doubles.
    expect(s.askedElsewhere('txt', 700)).toBe(true);
    expect(s.due(2699)).toEqual([]);
    expect(s.due(2700).map((d) => [d.key, d.n])).toEqual([['txt', 2]]);
    expect(s.askedElsewhere('unknown', 700)).toBe(false);
  });

  it('takes sources in turn, so that a flood from one source does not hold back another', () => {
    const q = (source: string, n: number) => ({ item: { source }, n });
    const flood = Array.from({ length: 5 }, (_, i) => q('10.0.0.66', i));
    expect(inTurnBySource([...flood, q('10.0.0.7', 9), q('10.0.0.7', 10)]).map((d) => `${d.item.source}/${d.n}`)).toEqual([
      '10.0.0.66/0', '10.0.0.7/9', '10.0.0.66/1', '10.0.0.7/10', '10.0.0.66/2', '10.0.0.66/3', '10.0.0.66/4',
    ]);
  });
});
