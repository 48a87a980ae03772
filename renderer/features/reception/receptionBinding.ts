/**
 * Where reception's events enter the store: subscribes to the streams' events, batches live
 * updates to display rate, loads every stream's full state on start and after a reconnect, and
 * turns the stream requests into store actions (errors included). Components never touch the API's
 * events.
 */
import type { ErrorInfo } from '../../../shared/errors';
import type { EventPayload, GapscopeApi, Settings, StreamConfigInput, StreamState, StreamUpdate } from '../../../shared/contract';
import type { AppCommands } from '../../app/appBinding';
import { refusalOf } from '../../app/errors';
import { whileConnected, type AppStore } from '../../store/store';

/** What the reception views can ask the back end to do; each outcome lands in the store. */
export interface Commands {
  /** Starts a stream and remembers its setup; false (with the error shown) when it cannot. */
  start(config: StreamConfigInput): Promise<boolean>;
  stop(id: string): Promise<void>;
  /** Forgets a stream, stopping it first when it still runs. */
  remove(id: string): Promise<void>;
  refreshInterfaces(): Promise<void>;
  /** Reloads every stream from the back end (on start and after a reconnect). */
  resync(): Promise<void>;
}

/** Runs a flush soon, at most once per scheduled call: at the next frame, or later in a hidden window. */
export type FlushScheduler = (flush: () => void) => void;

/** Flushes at the next animation frame, or after 250 ms when the window is hidden and frames stop. */
export const frameScheduler: FlushScheduler = (flush) => {
  let done = false;
  const run = (): void => {
    if (done) return;
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    flush();
  };
  const frame = requestAnimationFrame(run);
  const timer = setTimeout(run, 250);
};

type ReceptionEvent = 'streamUpdate' | 'streamStatus' | 'streamRemoved' | 'streamsSkipped' | 'streamAlert';
type HeldEvent = { [E in ReceptionEvent]: { name: E; payload: EventPayload<E> } }[ReceptionEvent];

/**
 * Binds reception to the store; the window's commands save the settings. Returns the commands and
 * a function that unbinds.
 */
export function bindReception(api: GapscopeApi, store: AppStore, app: Pick<AppCommands, 'updateSettings'>, schedule: FlushScheduler = frameScheduler): { commands: Commands; dispose(): void } {
  const actions = () => store.getState();
  let queue: StreamUpdate[] = [];
  let flushScheduled = false;
  // While the full state loads, events are held and replayed after it, so none is lost or doubled.
  let held: HeldEvent[] | null = null;
  let disposed = false;

  const flush = (): void => {
    flushScheduled = false;
    if (queue.length === 0 || disposed) return;
    const batch = queue;
    queue = [];
    actions().applyUpdates(batch);
  };

  const handle = (ev: HeldEvent): void => {
    if (held) {
      held.push(ev);
      return;
    }
    switch (ev.name) {
      case 'streamUpdate':
        queue.push(ev.payload);
        if (!flushScheduled) {
          flushScheduled = true;
          schedule(flush);
        }
        break;
      case 'streamStatus':
        flush();
        actions().upsertStreamInfo(ev.payload);
        break;
      case 'streamRemoved':
        flush();
        actions().forgetStream(ev.payload.id);
        break;
      case 'streamsSkipped':
        void reloadStreams(ev.payload.ids);
        break;
      case 'streamAlert':
        // The stream's alerts raised now; the banner and the notification are the alerts feature's.
        actions().setStreamAlerts(ev.payload.id, ev.payload.raised);
        break;
    }
  };

  // Web mode held these streams' updates back while the page read too slowly, and each update
  // builds on the one before: their latest state replaces what the page has (mergeDelta then drops
  // any update older than it).
  const reloadStreams = async (ids: string[]): Promise<void> => {
    const states = await Promise.all(ids.map((id) => api.getStreamState(id).catch(() => null)));
    if (disposed) return;
    flush();
    for (const s of states) if (s) actions().loadStreamState(s);
  };

  const unsubscribe = [
    api.on('streamUpdate', (payload) => handle({ name: 'streamUpdate', payload })),
    api.on('streamStatus', (payload) => handle({ name: 'streamStatus', payload })),
    api.on('streamRemoved', (payload) => handle({ name: 'streamRemoved', payload })),
    api.on('streamsSkipped', (payload) => handle({ name: 'streamsSkipped', payload })),
    api.on('streamAlert', (payload) => handle({ name: 'streamAlert', payload })),
  ];

  // Each load has a generation: a load overtaken by a reconnect is abandoned, never applied.
  let generation = 0;
  // A failed load is shown beside the setup form; a later load that works takes back only that.
  let loadError: ErrorInfo | null = null;
  const resync = async (): Promise<void> => {
    const mine = ++generation;
    held ??= [];
    try {
      const list = await api.listStreams();
      const states = await Promise.all(list.map((s) => api.getStreamState(s.id).catch(() => null)));
      if (mine !== generation || disposed) return;
      flush();
      actions().replaceStreams(states.filter((s): s is StreamState => s !== null));
      // An attached agent that is unreachable cannot give its streams' state, but they are still
      // attached: they stay listed with the status the back end gives them (unreachable) and fill in
      // when the agent comes back. A local stream that fails here was removed meanwhile.
      list.forEach((info, i) => {
        if (info.agent && states[i] === null) actions().upsertStreamInfo(info);
      });
      if (loadError && actions().errors.setup === loadError) actions().setError('setup', null);
      loadError = null;
    } catch (err) {
      if (mine !== generation || disposed) return;
      loadError = refusalOf(err);
      actions().setError('setup', loadError);
    }
    const replay = held ?? [];
    held = null;
    for (const ev of replay) handle(ev);
    void commands.refreshInterfaces();
  };

  const commands: Commands = {
    async start(config) {
      actions().setStarting(true);
      actions().setError('setup', null);
      try {
        const info = await api.startStream(config);
        actions().upsertStreamInfo(info);
        actions().selectStream(info.id);
        void app.updateSettings({ lastStream: config as Settings['lastStream'] });
        return true;
      } catch (err) {
        actions().setError('setup', refusalOf(err));
        return false;
      } finally {
        actions().setStarting(false);
      }
    },
    async stop(id) {
      actions().setError('stream', null);
      try {
        actions().upsertStreamInfo(await api.stopStream(id));
      } catch (err) {
        actions().setError('stream', refusalOf(err));
      }
    },
    async remove(id) {
      actions().setError('stream', null);
      try {
        const status = actions().streams[id]?.info.status;
        if (status === 'listening' || status === 'starting') await api.stopStream(id);
        await api.removeStream(id);
        actions().forgetStream(id);
      } catch (err) {
        const info = refusalOf(err);
        // A stream the back end does not hold (one that failed to start) only needs forgetting here.
        if (info.code === 'not-found') actions().forgetStream(id);
        else actions().setError('stream', info);
      }
    },
    async refreshInterfaces() {
      try {
        actions().setInterfaces(await api.listInterfaces());
      } catch {
        // The form still works without the list: the OS picks the interface.
      }
    },
    resync,
  };

  // Load when the connection opens, and again whenever it comes back (events were missed).
  const unwatch = whileConnected(store, () => void resync());

  return {
    commands,
    dispose() {
      disposed = true;
      unwatch();
      for (const u of unsubscribe) u();
    },
  };
}
