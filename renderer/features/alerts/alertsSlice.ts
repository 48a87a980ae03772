/** What the alert banner remembers of the alerts raised and cleared while this window was open, and what the user dismissed. */
import type { StateCreator } from 'zustand';
import type { StreamAlert } from '../../../shared/contract';

/** Notices the banner keeps, newest first. */
export const MAX_NOTICES = 20;

/** One condition of one stream, as the banner last heard of it. */
export interface AlertNotice {
  /** The stream and its condition: one notice each, however often it is raised again. */
  key: string;
  streamId: string;
  condition: string;
  state: 'raised' | 'cleared';
  /** When it was raised, ms since the epoch. */
  raisedAt: number;
  /** When it was cleared (state 'cleared'). */
  clearedAt: number | null;
  /** How many times the condition began to hold while the alert was up, as of the last event. */
  times: number;
  sentence: string;
}

/** The alerts part of the store. */
export interface AlertsState {
  /** Newest first, at most MAX_NOTICES. */
  notices: AlertNotice[];
  /** Dismissed alerts: the key and when the alert was raised, so that only the next raise shows again. */
  dismissed: Record<string, number>;
}

/** The alerts slice: its state and plain actions. */
export interface AlertsSlice {
  alerts: AlertsState;
  /** A streamAlert event: a raise adds (or renews) the condition's notice, a repeat counts, a clear marks it cleared. */
  noticeAlert(alert: StreamAlert): void;
  /** The user closed a notice: it stays closed until the condition is raised again. */
  dismissAlert(key: string, raisedAt: number): void;
}

/** The key of a stream's condition. */
export function alertKey(streamId: string, condition: string): string {
  return `${streamId}|${condition}`;
}

/** Creates the alerts slice. */
export const createAlertsSlice: StateCreator<AlertsSlice, [], [], AlertsSlice> = (set, get) => ({
  alerts: { notices: [], dismissed: {} },

  noticeAlert({ id, change }) {
    const { notices, dismissed } = get().alerts;
    const key = alertKey(id, change.condition);
    const old = notices.find((n) => n.key === key);
    const rest = notices.filter((n) => n.key !== key);
    if (change.state === 'raised') {
      const notice: AlertNotice = { key, streamId: id, condition: change.condition, state: 'raised', raisedAt: change.at, clearedAt: null, times: change.times, sentence: change.sentence };
      set({ alerts: { notices: [notice, ...rest].slice(0, MAX_NOTICES), dismissed } });
      return;
    }
    if (change.state === 'repeated') {
      // The count grew; the alert is the same one (the banner reads its count from the stream's alerts).
      if (old?.state === 'raised') set({ alerts: { notices: notices.map((n) => (n.key === key ? { ...old, times: change.times, sentence: change.sentence } : n)), dismissed } });
      return;
    }
    // A clear the user already dismissed (or never saw raised) is no news: the stream list no longer marks it.
    if (!old || dismissed[key] === old.raisedAt) return;
    const cleared: AlertNotice = { ...old, state: 'cleared', clearedAt: change.at, times: change.times, sentence: change.sentence };
    set({ alerts: { notices: notices.map((n) => (n.key === key ? cleared : n)), dismissed } });
  },

  dismissAlert(key, raisedAt) {
    const { notices, dismissed } = get().alerts;
    set({ alerts: { notices: notices.filter((n) => n.key !== key), dismissed: { ...dismissed, [key]: raisedAt } } });
  },
});
