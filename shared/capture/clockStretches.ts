/**
 * Stretches of capture time: frames whose timestamps lie within a day of each other belong to one
 * stretch; a frame far from every stretch so far starts another. A capture made at one time has one
 * stretch. A merged pcapng whose interfaces' clocks are years apart, or an interface whose clock was
 * stepped by years mid-capture, has several: each flow is then timed from the first frame of its own
 * stretch (not from a frame years away), and every new stretch is named in a warning.
 */
import type { CaptureWarnings } from '../pcapng/readErrors';

/** Frames further apart than this from every stretch start a new one; real captures pause for hours, not days. */
export const CLOCK_JUMP_MS = 24 * 3600_000;
/** Stretches kept; a frame beyond them joins the nearest one. */
export const MAX_STRETCHES = 64;

interface Stretch {
  /** The first frame of the stretch in file order: time 0 of the flows that start in it. */
  firstMs: number;
  minMs: number;
  maxMs: number;
}

/** Assigns frames to stretches of time and warns about every jump between them. */
export class ClockStretches {
  private readonly stretches: Stretch[] = [];
  private current = -1;
  // The latest frame of each interface, at index interface + 1 (-1 is a frame of no known interface).
  private readonly lastOfInterface: (number | undefined)[] = [];

  constructor(private readonly warnings: CaptureWarnings) {}

  /** How many stretches the file has so far. */
  get count(): number {
    return this.stretches.length;
  }

  /** Files the frame at timeMs, captured on interface `iface` (`label()` names it in a warning); returns its stretch. */
  add(timeMs: number, iface: number, offset: number, label: () => string): number {
    const previous = this.lastOfInterface[iface + 1];
    this.lastOfInterface[iface + 1] = timeMs;
    const c = this.stretches[this.current];
    if (c && within(c, timeMs)) return this.extend(this.current, timeMs);
    for (let i = 0; i < this.stretches.length; i++) if (within(this.stretches[i]!, timeMs)) return (this.current = this.extend(i, timeMs));
    if (this.stretches.length >= MAX_STRETCHES) return (this.current = this.extend(this.nearest(timeMs), timeMs));
    if (this.stretches.length > 0) this.warn(timeMs, previous, iface, label(), offset);
    this.stretches.push({ firstMs: timeMs, minMs: timeMs, maxMs: timeMs });
    return (this.current = this.stretches.length - 1);
  }

  /** Time 0 of the flows that start in stretch i: its first frame. */
  originOf(i: number): number {
    return this.stretches[i]!.firstMs;
  }

  /** The latest frame of stretch i. */
  lastOf(i: number): number {
    return this.stretches[i]!.maxMs;
  }

  private extend(i: number, timeMs: number): number {
    const s = this.stretches[i]!;
    if (timeMs < s.minMs) s.minMs = timeMs;
    if (timeMs > s.maxMs) s.maxMs = timeMs;
    return i;
  }

  private nearest(timeMs: number): number {
    let best = 0;
    let bestDistance = Infinity;
    this.stretches.forEach((s, i) => {
      const d = timeMs < s.minMs ? s.minMs - timeMs : timeMs - s.maxMs;
      if (d < bestDistance) {
        best = i;
        bestDistance = d;
      }
    });
    return best;
  }

  private warn(timeMs: number, previous: number | undefined, iface: number, label: string, offset: number): void {
    const near = this.stretches[this.nearest(timeMs)]!;
    const away = timeMs < near.minMs ? near.minMs - timeMs : timeMs - near.maxMs;
    const message =
      previous === undefined
        ? `${label}'s clock is ${span(away)} ${timeMs < near.minMs ? 'behind' : 'ahead of'} the frames before it (its first frame is stamped ${utc(timeMs)}): a merged capture or a clock set wrong. Each flow is timed from the first frame of its own stretch of time.`
        : `${label}'s timestamps jump by ${span(Math.abs(timeMs - previous))} (from ${utc(previous)} to ${utc(timeMs)}): a merged capture or a clock stepped mid-capture. Each flow is timed from the first frame of its own stretch of time.`;
    // One warning per interface, so that every interface whose clock is off is named.
    this.warnings.add(iface > 0 ? `clock-jump-${iface}` : 'clock-jump', message, offset);
  }
}

function within(s: Stretch, t: number): boolean {
  return t >= s.minMs - CLOCK_JUMP_MS && t <= s.maxMs + CLOCK_JUMP_MS;
}

/** "9.9 years", "41 days", "30 hours": the size of a jump in words. */
export function span(ms: number): string {
  const hours = ms / 3600_000;
  if (hours < 48) return `${hours.toFixed(1)} hours`;
  const days = hours / 24;
  if (days < 365) return `${Math.round(days)} days`;
  return `${(days / 365.25).toFixed(1)} years`;
}

function utc(ms: number): string {
  const d = new Date(ms);
  return Number.isFinite(d.getTime()) ? `${d.toISOString().replace('T', ' ').slice(0, 19)} UTC` : `${ms} ms`;
}
