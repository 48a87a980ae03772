/** The streams the back end runs and what each has measured, kept by plain actions. */
import type { StateCreator } from 'zustand';
import type { StreamInfo, StreamState, StreamUpdate } from '../../../shared/contract';
import type { ActiveAlert } from '../../../shared/verdict/alertWatch';
import { emptyReception, fromSnapshot, limitPackets, mergeDelta, type ReceptionState } from './streamState';
import type { UiSlice } from '../../store/uiSlice';

/** One stream as the UI holds it. */
export interface StreamEntry {
  info: StreamInfo;
  reception: ReceptionState;
  /** Changes on every merge: the bin arrays grow in place, so memoised charts key on this. */
  revision: number;
  /** Its alerts raised now (config.alertOn), as the back end judges them; empty when none. */
  alerts: ActiveAlert[];
}

const NO_ALERTS: ActiveAlert[] = [];

/** The streams part of the store. */
export interface StreamsSlice {
  streams: Record<string, StreamEntry>;
  /** Stream ids in the order they appeared. */
  streamOrder: string[];
  /** How many recent packets each stream keeps for the packet inspector. */
  packetLimit: number;
  /** A stream started, stopped or failed: records its info (creating it when new). */
  upsertStreamInfo(info: StreamInfo): void;
  /** Replaces a stream with its full state from the back end. */
  loadStreamState(state: StreamState): void;
  /** Replaces every stream (after a reconnect), keeping the selection when it still exists. */
  replaceStreams(states: StreamState[]): void;
  /** Merges a batch of live updates in one store change. */
  applyUpdates(updates: StreamUpdate[]): void;
  /** The back end forgot a stream. */
  forgetStream(id: string): void;
  /** A stream's alerts raised now, after one was raised or cleared (streamAlert). */
  setStreamAlerts(id: string, alerts: ActiveAlert[]): void;
  setPacketLimit(limit: number): void;
}

function entryFromState(s: StreamState, packetLimit: number): StreamEntry {
  return { info: s.info, reception: fromSnapshot(s.snapshot, packetLimit), revision: 0, alerts: s.alerts?.length ? s.alerts : NO_ALERTS };
}

/** Creates the streams slice. */
export const createStreamsSlice: StateCreator<StreamsSlice & Pick<UiSlice, 'selectedId' | 'selectStream'>, [], [], StreamsSlice> = (set, get) => ({
  streams: {},
  streamOrder: [],
  packetLimit: 100,

  upsertStreamInfo(info) {
    const { streams, streamOrder } = get();
    const old = streams[info.id];
    const entry: StreamEntry = old
      ? { ...old, info }
      : { info, reception: emptyReception(info.config.binMs, info.config.gapMs === undefined), revision: 0, alerts: NO_ALERTS };
    set({ streams: { ...streams, [info.id]: entry }, streamOrder: old ? streamOrder : [...streamOrder, info.id] });
    if (!old && get().selectedId === null) get().selectStream(info.id);
  },

  loadStreamState(state) {
    const { streams, streamOrder, packetLimit } = get();
    const old = streams[state.info.id];
    const entry = entryFromState(state, packetLimit);
    if (old) entry.revision = old.revision + 1;
    set({ streams: { ...streams, [state.info.id]: entry }, streamOrder: old ? streamOrder : [...streamOrder, state.info.id] });
    if (get().selectedId === null) get().selectStream(state.info.id);
  },

  replaceStreams(states) {
    const { packetLimit, selectedId } = get();
    const streams: Record<string, StreamEntry> = {};
    for (const s of states) streams[s.info.id] = entryFromState(s, packetLimit);
    const streamOrder = states.map((s) => s.info.id);
    set({ streams, streamOrder });
    if (selectedId === null || !streams[selectedId]) get().selectStream(streamOrder[streamOrder.length - 1] ?? null);
  },

  applyUpdates(updates) {
    if (updates.length === 0) return;
    const { packetLimit } = get();
    const streams = { ...get().streams };
    let changed = false;
    for (const { id, delta } of updates) {
      const entry = streams[id];
      if (!entry) continue; // not known yet: its snapshot will bring this data
      const reception = mergeDelta(entry.reception, delta, packetLimit);
      if (reception === entry.reception) continue;
      streams[id] = { ...entry, reception, revision: entry.revision + 1 };
      changed = true;
    }
    if (changed) set({ streams });
  },

  forgetStream(id) {
    const { streams, streamOrder, selectedId } = get();
    if (!streams[id]) return;
    const rest = { ...streams };
    delete rest[id];
    const order = streamOrder.filter((s) => s !== id);
    set({ streams: rest, streamOrder: order });
    if (selectedId === id) get().selectStream(order[order.length - 1] ?? null);
  },

  setStreamAlerts(id, alerts) {
    const { streams } = get();
    const entry = streams[id];
    if (!entry) return; // not known yet: its state will bring them
    set({ streams: { ...streams, [id]: { ...entry, alerts: alerts.length ? alerts : NO_ALERTS } } });
  },

  setPacketLimit(limit) {
    const streams: Record<string, StreamEntry> = {};
    for (const [id, e] of Object.entries(get().streams)) streams[id] = { ...e, reception: limitPackets(e.reception, limit) };
    set({ packetLimit: limit, streams });
  },
});
