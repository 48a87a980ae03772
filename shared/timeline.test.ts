import { describe, expect, it } from 'vitest';
import { eventsNear, type TimelineEvent } from './timeline';

const ev = (id: number, at: number): TimelineEvent => ({ id, at, source: 'network', kind: 'x', severity: 'info', summary: `e${id}` });

describe('eventsNear', () => {
  it('keeps events inside the window widened by the slack, and nothing else', () => {
    const events = [ev(1, 100), ev(2, 990), ev(3, 1500), ev(4, 2011), ev(5, 5000)];
    expect(eventsNear(events, 1000, 2000, 10).map((e) => e.id)).toEqual([2, 3]);
    expect(eventsNear(events, 1000, 2000, 11).map((e) => e.id)).toEqual([2, 3, 4]);
  });
});
