/**
 * When a traffic generator should send: a rate and an optional pattern that reproduces a field
 * symptom (bursts, pauses, a cut after N bytes), as a pure function of elapsed time.
 */

/** The shape of the traffic over time. */
export type SendPattern =
  | { kind: 'steady' }
  /** Send for onMs, then nothing for offMs, repeatedly. */
  | { kind: 'pause'; onMs: number; offMs: number }
  /** count packets back to back every everyMs. */
  | { kind: 'burst'; count: number; everyMs: number }
  /** Stop after bytes; with pauseMs, resume after that pause and repeat (the "every ~128 KB" symptom). */
  | { kind: 'cut-after'; bytes: number; pauseMs: number | null };

/** Rate and pattern, validated. */
export interface SendPlan {
  packetsPerSec: number;
  size: number;
  pattern: SendPattern;
}

/** Parses a rate: "1000" or "1000pps" (packets/s), or "2M", "2Mbit", "500k", "64kbit" (bits/s of payload). */
export function parseRate(text: string, size: number): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(pps|[kmg]?(?:bit|b|bps)?)?\s*$/i.exec(text);
  if (!m) return null;
  const value = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  if (!Number.isFinite(value) || value <= 0) return null;
  if (unit === '' || unit === 'pps') return value;
  const scale = unit.startsWith('k') ? 1e3 : unit.startsWith('m') ? 1e6 : unit.startsWith('g') ? 1e9 : 1;
  return (value * scale) / (size * 8);
}

/** Parses a pattern: "steady", "pause:ON/OFF" (ms), "burst:N/MS", "cut-after:BYTES[/PAUSE]" (BYTES may end in k or K for KiB). */
export function parsePattern(text: string): SendPattern | null {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'steady') return { kind: 'steady' };
  let m = /^pause:(\d+)\/(\d+)$/.exec(t);
  if (m) return Number(m[1]) > 0 && Number(m[2]) > 0 ? { kind: 'pause', onMs: Number(m[1]), offMs: Number(m[2]) } : null;
  m = /^burst:(\d+)\/(\d+)$/.exec(t);
  if (m) return Number(m[1]) > 0 && Number(m[2]) > 0 ? { kind: 'burst', count: Number(m[1]), everyMs: Number(m[2]) } : null;
  m = /^cut-after:(\d+)(k?)(?:\/(\d+))?$/.exec(t);
  if (m) {
    const bytes = Number(m[1]) * (m[2] ? 1024 : 1);
    return bytes > 0 ? { kind: 'cut-after', bytes, pauseMs: m[3] === undefined ? null : Number(m[3]) } : null;
  }
  return null;
}

/** How many packets should have been sent by elapsedMs since the start (a non-decreasing count). */
export function packetsDue(plan: SendPlan, elapsedMs: number): number {
  const { packetsPerSec: pps, pattern } = plan;
  const t = Math.max(0, elapsedMs);
  switch (pattern.kind) {
    case 'steady':
      return Math.floor((t * pps) / 1000);
    case 'pause':
      return Math.floor((activeMs(t, pattern.onMs, pattern.offMs) * pps) / 1000);
    case 'burst':
      return (Math.floor(t / pattern.everyMs) + 1) * pattern.count;
    case 'cut-after': {
      const perRun = Math.max(1, Math.floor(pattern.bytes / plan.size));
      const onMs = (perRun * 1000) / pps;
      if (pattern.pauseMs === null) return Math.min(perRun, Math.floor((t * pps) / 1000));
      const cycle = onMs + pattern.pauseMs;
      const runs = Math.floor(t / cycle);
      const inRun = Math.min(perRun, Math.floor(((t - runs * cycle) * pps) / 1000));
      return runs * perRun + inRun;
    }
  }
}

/** The time spent sending (not pausing) within elapsed ms of an on/off cycle. */
function activeMs(t: number, onMs: number, offMs: number): number {
  const cycle = onMs + offMs;
  const full = Math.floor(t / cycle);
  return full * onMs + Math.min(t - full * cycle, onMs);
}

/** The average packet rate a plan produces over a long time, to compare a run with. */
export function averageRate(plan: SendPlan): number {
  const p = plan.pattern;
  switch (p.kind) {
    case 'steady':
      return plan.packetsPerSec;
    case 'pause':
      return (plan.packetsPerSec * p.onMs) / (p.onMs + p.offMs);
    case 'burst':
      return (p.count * 1000) / p.everyMs;
    case 'cut-after': {
      if (p.pauseMs === null) return 0;
      const perRun = Math.max(1, Math.floor(p.bytes / plan.size));
      return (perRun * 1000) / ((perRun * 1000) / plan.packetsPerSec + p.pauseMs);
    }
  }
}
