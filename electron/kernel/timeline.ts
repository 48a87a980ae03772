/** The back end's shared timeline: a bounded log of events that every feature posts to. */
import type { TimelineEvent, TimelineEventInput } from '../../shared/timeline';

/** Kept events; older ones are dropped first (recordings keep their own copy). */
const MAX_EVENTS = 20_000;

/** Bounded, ordered event log that pushes each new event to a listener. */
export class TimelineLog {
  private readonly events: TimelineEvent[] = [];
  private nextId = 1;
  private readonly listeners = new Set<(e: TimelineEvent) => void>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records an event and tells every listener; returns the stored event. */
  post(input: TimelineEventInput): TimelineEvent {
    const e: TimelineEvent = { ...input, id: this.nextId++, at: input.at ?? this.now() };
    this.events.push(e);
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
    for (const l of this.listeners) l(e);
    return e;
  }

  /** Events with an id greater than `afterId` (all kept events without it), oldest first. */
  list(afterId = 0): TimelineEvent[] {
    if (afterId <= 0) return this.events.slice();
    const first = this.events.findIndex((e) => e.id > afterId);
    return first < 0 ? [] : this.events.slice(first);
  }

  /** Listens to new events; returns the function that stops listening. */
  subscribe(listener: (e: TimelineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
