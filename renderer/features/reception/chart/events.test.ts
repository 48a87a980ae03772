import { describe, expect, it } from 'vitest';
import type { TimelineEvent, TimelineSource } from '../../../../shared/timeline';
import { eventMarkers, eventsForGap, sourcesIn } from './events';

const ev = (id: number, at: number, source: TimelineSource = 'network'): TimelineEvent => ({ id, at, source, kind: 'k', severity: 'warning', summary: `e${id}` });
const started = 1_700_000_000_000;

describe('eventMarkers', () => {
  const events = [ev(1, started - 5), ev(2, started + 1000), ev(3, started + 2000, 'dns'), ev(4, started + 9000)];

  it('places events on the stream time axis and keeps those in range', () => {
    expect(eventMarkers(events, started, { startMs: 0, endMs: 5000 }, {}).map((m) => [m.t, m.event.id])).toEqual([
      [1000, 2],
      [2000, 3],
    ]);
  });

  it('drops hidden sources and keeps the latest when there are too many', () => {
    expect(eventMarkers(events, started, { startMs: 0, endMs: 10_000 }, { dns: true }).map((m) => m.event.id)).toEqual([2, 4]);
    expect(eventMarkers(events, started, { startMs: 0, endMs: 10_000 }, {}, 2).map((m) => m.event.id)).toEqual([3, 4]);
  });
});

describe('eventsForGap', () => {
  it('finds the events during a gap or just around it, in wall-clock time', () => {
    const events = [ev(1, started + 500), ev(2, started + 4_000), ev(3, started + 6_400), ev(4, started + 9_000)];
    const gap = { startMs: 4_500, endMs: 5_000 };
    expect(eventsForGap(events, started, gap, {}).map((e) => e.id)).toEqual([2, 3]);
    expect(eventsForGap(events, started, gap, {}, 100).map((e) => e.id)).toEqual([]);
    expect(eventsForGap(events, started, gap, { network: true })).toEqual([]);
  });
});

describe('sourcesIn', () => {
  it('lists each source once in legend order', () => {
    expect(sourcesIn([ev(1, 0, 'dns'), ev(2, 0, 'network'), ev(3, 0, 'dns')])).toEqual(['network', 'dns']);
  });
});
