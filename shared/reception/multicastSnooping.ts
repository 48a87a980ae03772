/**
 * Whether a multicast stream's gaps look like IGMP/MLD snooping without a querier: a snooping
 * switch forwards a group to a port only while it remembers a report from there; with no querier
 * on the link nobody asks the host to report again, so the switch forgets the group a few minutes
 * after the join's own reports (the Group Membership Interval, 2 x 125 s + 10 s by default,
 * RFC 3376 §8.4; switches vary) and the stream stops, or comes and goes as other hosts report.
 * Whether a querier is there is what the wire view heard (membershipQuery.ts). Pure.
 */
import { formatDuration } from '../format';
import type { Gap, OpenGap } from './types';

/** Where after the join a first silence points at snooping: from one query interval to past the default Group Membership Interval. */
export const SNOOPING_WINDOW_MS = { from: 125_000, to: 300_000 } as const;
/** The silences that count: at least this long (a snooping switch drops the group for good, or for a report's turn). */
export const SNOOPING_MIN_GAP_MS = 1000;

/** The membership queries the wire view heard; absent when the wire was not watched. */
export interface QueriesHeard {
  heard: number;
  lastFrom: string | null;
  lastVersion: string | null;
  lastAtMs: number | null;
}

/** The verdict about snooping and the querier, for the stream view and the report. */
export interface SnoopingVerdict {
  /** likely: the gaps fit and no querier was heard; querier-heard: a querier is there; fits: the gaps fit but the wire was not watched; none: no such gaps (querier words only). */
  kind: 'likely' | 'querier-heard' | 'fits' | 'none';
  summary: string;
}

/**
 * A multicast stream's snooping verdict: the first long silence beginning 125–300 s after the join
 * (time 0) that is still going on or is followed by another, against the queries heard. Null for a
 * stream that is not multicast.
 */
export function snoopingVerdict(s: { multicast: boolean; gaps: readonly Pick<Gap, 'startMs' | 'durationMs'>[]; openGap: OpenGap | null; queries: QueriesHeard | undefined; nowMs: number }): SnoopingVerdict | null {
  if (!s.multicast) return null;
  const long = [...s.gaps, ...(s.openGap ? [s.openGap] : [])].filter((g) => g.durationMs >= SNOOPING_MIN_GAP_MS);
  const first = long[0];
  const fits = first !== undefined && first.startMs >= SNOOPING_WINDOW_MS.from && first.startMs <= SNOOPING_WINDOW_MS.to && (first === s.openGap || long.length > 1);
  const q = s.queries;
  const heard = q && q.heard > 0 ? `A querier is heard on the link: ${q.heard} membership quer${q.heard === 1 ? 'y' : 'ies'}, the last from ${q.lastFrom} (${q.lastVersion}) at ${formatDuration(q.lastAtMs ?? 0)} after the join.` : null;
  const watched = q ? `No IGMP/MLD querier was heard on the link in the ${formatDuration(s.nowMs)} watched.` : null;
  if (!fits) {
    if (heard) return { kind: 'none', summary: heard };
    return { kind: 'none', summary: watched ?? 'Whether a querier is on the link is not known: watch the wire beside the socket to hear its queries.' };
  }
  const gap = `The stream first went silent ${formatDuration(first.startMs)} after joining the group${first === s.openGap ? ' and is still silent' : `, and went silent ${long.length - 1} more time${long.length === 2 ? '' : 's'}`}`;
  if (heard) return { kind: 'querier-heard', summary: `${gap}, as a snooping switch without a querier would do; but ${heard.charAt(0).toLowerCase()}${heard.slice(1)} So the switch is asked to keep the group: look elsewhere.` };
  if (watched) return { kind: 'likely', summary: `${gap}, and ${watched.charAt(0).toLowerCase()}${watched.slice(1)} Likely IGMP/MLD snooping without a querier: the switch forgets the group a few minutes after the join's reports. Enable a querier on the switch or router of this network (or turn snooping off).` };
  return { kind: 'fits', summary: `${gap}, as a snooping switch without a querier would do. Watch the wire beside the socket to hear whether a querier is on the link.` };
}
