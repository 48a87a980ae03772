/**
 * Conditions as live alerts, with hysteresis: an alert is raised the first time its condition is
 * met and cleared only once the condition has not been met for `clearAfterMs`, so a stream that
 * flaps around a threshold gives one alert (counting its repeats), not one per flap. Each repeat is
 * a change too ('repeated'), so that a window shows the count as it grows; it is never a new alert.
 */
import { judgeCondition, type Condition, type Facts } from './conditions';

/** How long a condition must stay unmet before its alert clears (default 5 s). */
export const ALERT_CLEAR_AFTER_MS = 5000;

/** An alert that is raised now. */
export interface ActiveAlert {
  condition: string;
  /** When it was raised, ms since the epoch. */
  raisedAt: number;
  /** When its condition last held. */
  lastMetAt: number;
  /** How many times the condition began to hold while the alert was up (1 = it never flapped). */
  times: number;
  /** The latest sentence about it ("gap>500ms failed: the longest gap was 1.20 s."). */
  sentence: string;
}

/** An alert raised, met again while up (its count grew), or cleared. */
export interface AlertChange {
  condition: string;
  state: 'raised' | 'repeated' | 'cleared';
  /** When, ms since the epoch. */
  at: number;
  times: number;
  sentence: string;
}

/** Watches one stream's conditions; feed it the stream's facts at each update. */
export class AlertWatch {
  private readonly active = new Map<string, ActiveAlert & { metLastTime: boolean }>();

  constructor(
    private readonly conditions: readonly Condition[],
    private readonly clearAfterMs = ALERT_CLEAR_AFTER_MS,
  ) {}

  /** Judges every condition whose measure is known now; returns the alerts raised, repeated and cleared by this update. */
  update(facts: Facts, at: number): AlertChange[] {
    const changes: AlertChange[] = [];
    for (const c of this.conditions) {
      // A measure not taken live (packets) or not known yet is no alert: the final verdict says so.
      if (typeof facts[c.measure] !== 'number') continue;
      const r = judgeCondition(c, facts);
      const a = this.active.get(c.text);
      if (r.failed) {
        if (!a) {
          this.active.set(c.text, { condition: c.text, raisedAt: at, lastMetAt: at, times: 1, sentence: r.sentence, metLastTime: true });
          changes.push({ condition: c.text, state: 'raised', at, times: 1, sentence: r.sentence });
        } else {
          const again = !a.metLastTime;
          if (again) a.times += 1;
          a.lastMetAt = at;
          a.sentence = r.sentence;
          a.metLastTime = true;
          if (again) changes.push({ condition: c.text, state: 'repeated', at, times: a.times, sentence: r.sentence });
        }
      } else if (a) {
        a.metLastTime = false;
        if (at - a.lastMetAt >= this.clearAfterMs) {
          this.active.delete(c.text);
          changes.push({ condition: c.text, state: 'cleared', at, times: a.times, sentence: r.sentence });
        }
      }
    }
    return changes;
  }

  /** The alerts raised now, in the order of the conditions. */
  raised(): ActiveAlert[] {
    return this.conditions.flatMap((c) => {
      const a = this.active.get(c.text);
      return a ? [{ condition: a.condition, raisedAt: a.raisedAt, lastMetAt: a.lastMetAt, times: a.times, sentence: a.sentence }] : [];
    });
  }
}
