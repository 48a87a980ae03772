import { describe, expect, it } from 'vitest';
import { focusOn, liveView, panView, resolveRange, selectRange, setFollow, zoomView } from './view';

describe('chart view', () => {
  it('follows the live edge, starting at 0 before a full window', () => {
    expect(resolveRange(liveView(60_000), 5_000)).toEqual({ startMs: 0, endMs: 60_000 });
    expect(resolveRange(liveView(60_000), 90_000)).toEqual({ startMs: 30_000, endMs: 90_000 });
  });

  it('zooms in on the live edge without leaving it', () => {
    const v = zoomView(liveView(60_000), 0.5, 90_000, 100);
    expect(v.follow).toBe(true);
    expect(resolveRange(v, 90_000)).toEqual({ startMs: 60_000, endMs: 90_000 });
  });

  it('does not zoom in below a few bins nor out beyond the history', () => {
    expect(zoomView(liveView(600), 0.01, 10_000, 100).spanMs).toBe(500);
    expect(zoomView(liveView(60_000), 100, 90_000, 100).spanMs).toBe(90_000);
  });

  it('zooms a fixed range around its centre', () => {
    const fixed = { follow: false, spanMs: 10_000, endMs: 40_000 };
    const v = zoomView(fixed, 0.5, 90_000, 100);
    expect(resolveRange(v, 90_000)).toEqual({ startMs: 32_500, endMs: 37_500 });
  });

  it('pans back in time, stops at 0, and resumes following at the live edge', () => {
    const back = panView(liveView(10_000), -0.5, 90_000);
    expect(back.follow).toBe(false);
    expect(resolveRange(back, 90_000)).toEqual({ startMs: 75_000, endMs: 85_000 });
    expect(resolveRange(panView(back, -100, 90_000), 90_000).startMs).toBe(0);
    expect(panView(back, 1, 90_000).follow).toBe(true);
  });

  it('selects a dragged range in either direction, ignoring a click', () => {
    const v = selectRange(liveView(60_000), 20_000, 12_000, 90_000, 100);
    expect(resolveRange(v, 90_000)).toEqual({ startMs: 12_000, endMs: 20_000 });
    const click = liveView(60_000);
    expect(selectRange(click, 20_000, 20_100, 90_000, 100)).toBe(click);
  });

  it('centres a gap with context on both sides', () => {
    const v = focusOn(10_000, 11_000, 100);
    expect(v.follow).toBe(false);
    expect(resolveRange(v, 90_000)).toEqual({ startMs: 9_000, endMs: 12_000 });
    expect(resolveRange(focusOn(100, 300, 100), 90_000).startMs).toBe(0);
  });

  it('freezes the current range when following is turned off', () => {
    const v = setFollow(liveView(10_000), false, 50_000);
    expect(v).toEqual({ follow: false, spanMs: 10_000, endMs: 50_000 });
    expect(setFollow(v, true, 50_000).follow).toBe(true);
  });
});
