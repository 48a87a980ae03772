/**
 * One timeline for everything that happens around reception: network changes, DNS probes, Bonjour
 * services coming and going, recording marks. Every feature posts events of this one shape so the
 * reception chart, the gap table and recordings can show them side by side.
 */

/** Which part of Gapscope saw the event; the chart legend filters by it. */
export type TimelineSource = 'network' | 'dns' | 'bonjour' | 'session' | 'generator';

/** How much the event matters: info is context, warning may explain a gap, error is a failure. */
export type TimelineSeverity = 'info' | 'warning' | 'error';

/** Something that happened at one instant, in the user's words. */
export interface TimelineEvent {
  /** Unique within one back-end run, increasing. */
  id: number;
  /** Wall-clock time, ms since the epoch. */
  at: number;
  source: TimelineSource;
  /** A stable machine name, e.g. 'interface-down', 'route-changed', 'service-added'. */
  kind: string;
  severity: TimelineSeverity;
  /** One line for the chart's tooltip and the gap table, e.g. "eth0 went down". */
  summary: string;
  /** Optional structured details (kept small; JSON-serializable). */
  detail?: Record<string, unknown>;
}

/** An event as a feature posts it; the log assigns id (and the time when absent). */
export type TimelineEventInput = Omit<TimelineEvent, 'id' | 'at'> & { at?: number };

/** The events whose time lies within [from - slackMs, to + slackMs]: what may explain a gap. */
export function eventsNear<T extends Pick<TimelineEvent, 'at'>>(events: readonly T[], from: number, to: number, slackMs: number): T[] {
  return events.filter((e) => e.at >= from - slackMs && e.at <= to + slackMs);
}
