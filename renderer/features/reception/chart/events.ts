/**
 * Timeline events on a stream's chart and gap table: the shared timeline is in wall-clock time,
 * a stream counts from its start, so events are placed by subtracting the stream's start.
 */
import type { Gap } from '../../../../shared/reception/types';
import { eventsNear, type TimelineEvent, type TimelineSource } from '../../../../shared/timeline';
import type { TimeRange } from './view';

/** An event placed on a stream's time axis. */
export interface EventMarker {
  /** Stream time, ms since the stream started. */
  t: number;
  event: TimelineEvent;
}

/** Markers drawn at most; beyond that the latest are kept (a chart cannot show more lines anyway). */
export const MAX_MARKERS = 200;

/** How far outside a gap an event still counts as coinciding with it: detection and polling lag. */
export const GAP_EVENT_SLACK_MS = 1500;

/** The visible events inside a range of a stream that started at startedAt (epoch ms). */
export function eventMarkers(events: readonly TimelineEvent[], startedAt: number, range: TimeRange, hidden: Partial<Record<TimelineSource, boolean>>, max = MAX_MARKERS): EventMarker[] {
  const out: EventMarker[] = [];
  for (const event of events) {
    if (hidden[event.source]) continue;
    const t = event.at - startedAt;
    if (t >= range.startMs && t <= range.endMs) out.push({ t, event });
  }
  return out.length > max ? out.slice(-max) : out;
}

/** The visible events that coincide with a gap (within the slack on either side), oldest first. */
export function eventsForGap(events: readonly TimelineEvent[], startedAt: number, gap: Pick<Gap, 'startMs' | 'endMs'>, hidden: Partial<Record<TimelineSource, boolean>>, slackMs = GAP_EVENT_SLACK_MS): TimelineEvent[] {
  return eventsNear(events, startedAt + gap.startMs, startedAt + gap.endMs, slackMs).filter((e) => !hidden[e.source]);
}

/** The sources present in a list, in a fixed order, for the legend's filters. */
export function sourcesIn(events: readonly TimelineEvent[]): TimelineSource[] {
  const order: TimelineSource[] = ['network', 'dns', 'bonjour', 'session', 'generator'];
  const seen = new Set(events.map((e) => e.source));
  return order.filter((s) => seen.has(s));
}
