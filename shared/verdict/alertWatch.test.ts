import { describe, expect, it } from 'vitest';
import { AlertWatch } from './alertWatch';
import { parseConditions } from './conditions';

describe('AlertWatch', () => {
  it('raises once for a flapping stream and clears after it stays quiet', () => {
    const w = new AlertWatch(parseConditions(['gap>500ms'], 'stream'), 5000);
    const at = (t: number, gapMs: number) => w.update({ gapMs }, t);
    expect(at(0, 0)).toEqual([]);
    expect(at(1000, 600)).toEqual([{ condition: 'gap>500ms', state: 'raised', at: 1000, times: 1, sentence: 'gap>500ms failed: the longest gap was 600 ms.' }]);
    // Flaps: met, unmet, met again, within the hold time: no new alert, each repeat counted as it comes.
    expect(at(1100, 0)).toEqual([]);
    expect(at(2000, 700)).toEqual([{ condition: 'gap>500ms', state: 'repeated', at: 2000, times: 2, sentence: 'gap>500ms failed: the longest gap was 700 ms.' }]);
    // Still met at the next update: the same repeat, not another.
    expect(at(2050, 750)).toEqual([]);
    expect(at(2100, 0)).toEqual([]);
    expect(at(4000, 900)).toEqual([{ condition: 'gap>500ms', state: 'repeated', at: 4000, times: 3, sentence: 'gap>500ms failed: the longest gap was 900 ms.' }]);
    expect(w.raised()).toEqual([{ condition: 'gap>500ms', raisedAt: 1000, lastMetAt: 4000, times: 3, sentence: 'gap>500ms failed: the longest gap was 900 ms.' }]);
    expect(at(8999, 0)).toEqual([]);
    expect(at(9000, 0)).toEqual([{ condition: 'gap>500ms', state: 'cleared', at: 9000, times: 3, sentence: 'gap>500ms passed: the longest gap was 0 ms.' }]);
    expect(w.raised()).toEqual([]);
    expect(at(9100, 800).map((c) => c.state)).toEqual(['raised']);
  });

  it('leaves alone what is not measured live (packets) or not known yet', () => {
    const w = new AlertWatch(parseConditions(['packets<1000,loss>1%'], 'stream'));
    expect(w.update({ lossPercent: { unknown: 'no sequence numbers' } }, 0)).toEqual([]);
    expect(w.raised()).toEqual([]);
  });
});
