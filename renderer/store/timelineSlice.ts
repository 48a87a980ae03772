/** The shared timeline as the UI holds it: network, DNS, Bonjour and session events, and which are shown. */
import type { StateCreator } from 'zustand';
import type { TimelineEvent, TimelineSource } from '../../shared/timeline';

/** Events kept in the window; the back end keeps more and recordings keep all. */
export const MAX_TIMELINE_EVENTS = 5000;

/** The timeline part of the store. */
export interface TimelineSlice {
  /** Oldest first, unique by id. */
  timeline: TimelineEvent[];
  /** Sources the user hid from the charts and gap tables. */
  hiddenSources: Partial<Record<TimelineSource, boolean>>;
  /** Adds events (pushed or loaded), ignoring ones already held. */
  addTimelineEvents(events: readonly TimelineEvent[]): void;
  /** Replaces everything (after a reconnect). */
  replaceTimeline(events: readonly TimelineEvent[]): void;
  toggleTimelineSource(source: TimelineSource): void;
}

/** Creates the timeline slice. */
export const createTimelineSlice: StateCreator<TimelineSlice> = (set, get) => ({
  timeline: [],
  hiddenSources: {},

  addTimelineEvents(events) {
    const known = get().timeline;
    const lastId = known[known.length - 1]?.id ?? 0;
    const fresh = events.filter((e) => e.id > lastId || !known.some((k) => k.id === e.id));
    if (fresh.length === 0) return;
    const all = known.concat(fresh).sort((a, b) => a.id - b.id);
    set({ timeline: all.length > MAX_TIMELINE_EVENTS ? all.slice(-MAX_TIMELINE_EVENTS) : all });
  },
  replaceTimeline(events) {
    set({ timeline: events.slice(-MAX_TIMELINE_EVENTS) });
  },
  toggleTimelineSource(source) {
    const hidden = get().hiddenSources;
    set({ hiddenSources: { ...hidden, [source]: !hidden[source] } });
  },
});
