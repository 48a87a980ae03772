import { describe, expect, it } from 'vitest';
import { formatTimeOfDay } from '../../../shared/format';
import type { ActiveAlert } from '../../../shared/verdict/alertWatch';
import { bannerAlerts } from './alertText';
import type { AlertsState } from './alertsSlice';

const T0 = Date.UTC(2026, 11, 4, 10, 0, 0);
const active = (condition: string, raisedAt: number, times: number): ActiveAlert => ({ condition, raisedAt, lastMetAt: raisedAt, times, sentence: `${condition} failed: measured.` });
const empty: AlertsState = { notices: [], dismissed: {} };

describe('bannerAlerts', () => {
  it('shows every alert a stream has raised now, newest first, with its stream, sentence and repeats', () => {
    const items = bannerAlerts(empty, [
      { id: 'a', title: 'GDL90', alerts: [active('gap>500ms', T0, 1)] },
      { id: 'b', title: '0.0.0.0:5000', alerts: [active('loss>1%', T0 + 1000, 3)] },
    ]);
    expect(items.map((i) => [i.key, i.state, i.times])).toEqual([
      ['b|loss>1%', 'raised', 3],
      ['a|gap>500ms', 'raised', 1],
    ]);
    expect(items[0]!.text).toBe(`0.0.0.0:5000: loss>1% failed: measured. Raised at ${formatTimeOfDay(T0 + 1000)}. It has held 3 times since.`);
    expect(items[1]!.text).toBe(`GDL90: gap>500ms failed: measured. Raised at ${formatTimeOfDay(T0)}.`);
  });

  it('adds the alerts cleared while the window was open, and leaves out dismissed ones and forgotten streams', () => {
    const state: AlertsState = {
      notices: [
        { key: 'a|gap>500ms', streamId: 'a', condition: 'gap>500ms', state: 'cleared', raisedAt: T0, clearedAt: T0 + 9000, times: 4, sentence: 'gap>500ms passed.' },
        { key: 'gone|gap>1s', streamId: 'gone', condition: 'gap>1s', state: 'cleared', raisedAt: T0, clearedAt: T0 + 9000, times: 1, sentence: 'gap>1s passed.' },
      ],
      dismissed: { 'a|loss>1%': T0 + 500 },
    };
    const items = bannerAlerts(state, [{ id: 'a', title: 'GDL90', alerts: [active('loss>1%', T0 + 500, 1)] }]);
    expect(items.map((i) => i.key)).toEqual(['a|gap>500ms']);
    expect(items[0]!.text).toBe(`GDL90: gap>500ms cleared at ${formatTimeOfDay(T0 + 9000)}, after holding 4 times since ${formatTimeOfDay(T0)}.`);
    // The same condition raised again after a dismissal shows again.
    expect(bannerAlerts(state, [{ id: 'a', title: 'GDL90', alerts: [active('loss>1%', T0 + 20_000, 1)] }]).map((i) => i.key)).toEqual(['a|loss>1%', 'a|gap>500ms']);
  });
});
