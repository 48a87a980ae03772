/**
 * Writing --json-stream: one JSON object a line, typed from the schemas in shared/jsonStream/lines.ts
 * (published in docs/schema/), and for listen the gap lines derived from the stream's live deltas.
 */
import type { ListenLine } from '../../shared/jsonStream/lines';
import { gapCause } from '../../shared/reception/gapCause';
import type { ReceptionDelta } from '../../shared/reception/types';

/** A line as a command hands it over: `at` may be left to the writer. */
export type LineOf<L> = L extends unknown ? Omit<L, 'at'> & { at?: number } : never;

/** Writes one line of a stream, `type` first and `at` (ms since the epoch) second. */
export function lineWriter<L extends { type: string; at: number }>(out: (line: string) => void, now: () => number = Date.now): (line: LineOf<L>) => void {
  return (line) => {
    const { type, at, ...rest } = line as { type: string; at?: number };
    out(JSON.stringify({ type, at: at ?? now(), ...rest }));
  };
}

/**
 * listen's gap lines from its deltas: "gap-started" when the silence passes the threshold (the
 * delta's open gap), "gap-ended" when a gap closes. A gap that closed between two deltas, before
 * any delta saw it open (a threshold under the update interval, or a silence judged once the
 * learned threshold settled), gets its gap-started just before its gap-ended, so every gap-ended
 * follows a gap-started with the same startMs.
 */
export class GapLines {
  private announced = new Set<number>();

  constructor(private readonly write: (line: LineOf<ListenLine>) => void) {}

  /** Writes the lines one delta brings. */
  onDelta(d: ReceptionDelta): void {
    for (const g of d.newGaps) {
      if (!this.announced.delete(g.startMs)) this.write({ type: 'gap-started', startMs: round(g.startMs), thresholdMs: round(d.gapThresholdMs) });
      this.write({ type: 'gap-ended', startMs: round(g.startMs), endMs: round(g.endMs), durationMs: round(g.durationMs), lostPackets: g.lostPackets, cause: gapCause(g).code });
    }
    if (d.openGap && !this.announced.has(d.openGap.startMs)) {
      this.announced.add(d.openGap.startMs);
      this.write({ type: 'gap-started', startMs: round(d.openGap.startMs), thresholdMs: round(d.gapThresholdMs) });
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
