/**
 * A rate sweep, to find where a receiver starts to lose: the generator raises its rate, its
 * datagram size or its burst in equal steps of equal length (like resperf raises a DNS server's
 * query rate), and each datagram says which step it belongs to (shared/generator/pairing.ts), so a
 * listener paired with it reports the first step with loss or gaps. Pure: when each step sends what.
 */
import { packetsDue, parseRate, type SendPlan } from './sendSchedule';

/** What a sweep raises, from what to what, in how many steps. */
export interface SweepPlan {
  kind: 'rate' | 'size' | 'burst';
  /** First and last values: packets/s, bytes, or datagrams per burst. */
  from: number;
  to: number;
  steps: number;
}

/** Steps a sweep may have (the account carries the step in 16 bits; a listener keeps 1024). */
export const MAX_SWEEP_STEPS = 100;

/**
 * Parses "rate:FROM-TO/STEPS" (each a rate as --rate takes it: 1000, 2M), "size:FROM-TO/STEPS"
 * (bytes) or "burst:FROM-TO/STEPS" (datagrams per burst); null if malformed. `size` turns bit rates
 * into packets/s. The bounds of each kind (sizes, the generator's ceiling) are the contract's.
 */
export function parseSweep(text: string, size: number): SweepPlan | null {
  const m = /^\s*(rate|size|burst):([^-/\s]+)-([^/\s]+)\/(\d{1,3})\s*$/i.exec(text);
  if (!m) return null;
  const kind = m[1]!.toLowerCase() as SweepPlan['kind'];
  const value = (t: string): number | null => {
    if (kind === 'rate') return parseRate(t, size);
    return /^\d+$/.test(t) && Number(t) > 0 ? Number(t) : null;
  };
  const from = value(m[2]!);
  const to = value(m[3]!);
  const steps = Number(m[4]);
  if (from === null || to === null || steps < 2 || steps > MAX_SWEEP_STEPS || to <= from) return null;
  return { kind, from, to, steps };
}

/** The value of each step, evenly from `from` to `to` (rounded: whole packets/s, bytes, datagrams). */
export function sweepValues(s: SweepPlan): number[] {
  return Array.from({ length: s.steps }, (_, k) => Math.round(s.from + ((s.to - s.from) * k) / (s.steps - 1)));
}

/** The plan of step k: the base plan with the swept value in place (a burst sweep keeps the base pattern's period). */
export function stepPlan(base: SendPlan, s: SweepPlan, k: number): SendPlan {
  const v = sweepValues(s)[Math.max(0, Math.min(s.steps - 1, k))]!;
  switch (s.kind) {
    case 'rate':
      return { ...base, packetsPerSec: v };
    case 'size':
      return { ...base, size: v };
    case 'burst': {
      const everyMs = base.pattern.kind === 'burst' ? base.pattern.everyMs : 100;
      return { ...base, pattern: { kind: 'burst', count: v, everyMs } };
    }
  }
}

/** Where a sweep is after elapsedMs: its step and the datagrams due since the start (non-decreasing; the last step ends the sweep). */
export function sweepDue(base: SendPlan, s: SweepPlan, stepMs: number, elapsedMs: number): { step: number; due: number } {
  const t = Math.max(0, Math.min(elapsedMs, s.steps * stepMs));
  const step = Math.min(s.steps - 1, Math.floor(t / stepMs));
  const starts = sweepStarts(base, s, stepMs);
  return { step, due: starts[step]! + Math.min(packetsDue(stepPlan(base, s, step), t - step * stepMs), starts[step + 1]! - starts[step]!) };
}

/** The index of each step's first datagram, and last the total: datagram i belongs to the step whose range holds it. */
export function sweepStarts(base: SendPlan, s: SweepPlan, stepMs: number): number[] {
  const starts = [0];
  for (let k = 0; k < s.steps; k++) starts.push(starts[k]! + stepTotal(base, s, k, stepMs));
  return starts;
}

/** The datagrams step k sends in full: those due before its end (one due exactly at the boundary, a burst's first, belongs to the next step). */
export function stepTotal(base: SendPlan, s: SweepPlan, k: number, stepMs: number): number {
  return packetsDue(stepPlan(base, s, k), stepMs - 0.001);
}

/** The average packets/s of step k, for the sender's report. */
export function stepRate(base: SendPlan, s: SweepPlan, k: number, stepMs: number): number {
  return (stepTotal(base, s, k, stepMs) * 1000) / stepMs;
}
