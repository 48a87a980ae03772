import { describe, expect, it } from 'vitest';
import { CaptureWarnings } from '../pcapng/readErrors';
import { CLOCK_JUMP_MS, ClockStretches, span } from './clockStretches';

const YEAR = 365.25 * 86_400_000;
const T = Date.UTC(2022, 1, 1);

describe('ClockStretches', () => {
  it('keeps a capture made at one time, pauses of hours included, in one stretch, without a word', () => {
    const w = new CaptureWarnings();
    const c = new ClockStretches(w);
    for (const t of [T, T + 1000, T + 20 * 3600_000, T + 20 * 3600_000 + 5]) expect(c.add(t, 0, 0, () => 'eth0')).toBe(0);
    expect([c.count, c.originOf(0), c.lastOf(0)]).toEqual([1, T, T + 20 * 3600_000 + 5]);
    expect(w.list()).toEqual([]);
  });

  it('starts a stretch at a jump of years on one interface, and at an interface whose clock is years away; names each', () => {
    const w = new CaptureWarnings();
    const c = new ClockStretches(w);
    expect(c.add(T - 10 * YEAR, 0, 24, () => 'Interface 0 (eth0)')).toBe(0);
    expect(c.add(T - 6 * YEAR, 1, 100, () => 'Interface 1 (em1)')).toBe(1);
    expect(c.add(T - 10 * YEAR + 5, 0, 200, () => 'Interface 0 (eth0)')).toBe(0); // back to the first stretch
    expect(c.add(T, 0, 300, () => 'Interface 0 (eth0)')).toBe(2);
    expect(c.add(T + 122, 0, 400, () => 'Interface 0 (eth0)')).toBe(2);
    expect([c.originOf(2), c.lastOf(2)]).toEqual([T, T + 122]);
    expect(w.list().map((x) => [x.kind, x.firstOffset])).toEqual([['clock-jump-1', 100], ['clock-jump', 300]]);
    expect(w.list()[0]!.message).toMatch(/^Interface 1 \(em1\)'s clock is 4\.0 years ahead of the frames before it/);
    expect(w.list()[1]!.message).toMatch(/^Interface 0 \(eth0\)'s timestamps jump by 10\.0 years \(from 2012-.* UTC to 2022-02-01 00:00:00 UTC\)/);
  });

  it('says how big a jump is in words', () => {
    expect([span(CLOCK_JUMP_MS + 1), span(3 * 86_400_000), span(9.86 * YEAR)]).toEqual(['24.0 hours', '3 days', '9.9 years']);
  });
});
