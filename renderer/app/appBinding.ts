/**
 * Where the window's own facts enter the store: the back end's version and mode, the settings and
 * the shared timeline, loaded on start and after a reconnect, with the timeline's pushed events.
 * Each feature binds its own (renderer/features/<name>/…Binding.ts); app/api.ts binds them all once.
 */
import type { ChoosePathRequest, GapscopeApi, Settings } from '../../shared/contract';
import type { TimelineEvent } from '../../shared/timeline';
import { whileConnected, type AppStore } from '../store/store';
import { refusalOf } from './errors';

/** What the header and the features can ask of the window's part of the back end. */
export interface AppCommands {
  /** Saves a change to the settings; a refusal shows in the settings menu. */
  updateSettings(change: Partial<Settings>): Promise<void>;
  /** Reloads the version, the settings and the timeline (on start and after a reconnect). */
  resync(): Promise<void>;
  /** Desktop: the system's Open or Save dialog; the path chosen (null: cancelled) then goes where a typed one would. */
  choosePath(request: ChoosePathRequest): Promise<string | null>;
}

/** Binds the window's facts to the store; returns the commands and a function that unbinds. */
export function bindApp(api: GapscopeApi, store: AppStore): { commands: AppCommands; dispose(): void } {
  const actions = () => store.getState();
  // While the timeline loads, pushed events are held and replayed after it, so none is lost or doubled.
  let held: TimelineEvent[] | null = null;
  let disposed = false;

  const onTimelineEvent = (ev: TimelineEvent): void => {
    if (held) held.push(ev);
    else actions().addTimelineEvents([ev]);
  };
  const unsubscribe = api.on('timelineEvent', onTimelineEvent);

  // Each load has a generation: a load overtaken by a reconnect is abandoned, never applied.
  let generation = 0;
  const resync = async (): Promise<void> => {
    const mine = ++generation;
    held ??= [];
    try {
      const [appInfo, settings, timeline] = await Promise.all([api.getAppInfo(), api.getSettings(), api.listTimelineEvents()]);
      if (mine !== generation || disposed) return;
      actions().setAppInfo(appInfo);
      actions().setSettings(settings);
      actions().replaceTimeline(timeline);
      actions().setError('settings', null);
    } catch (err) {
      if (mine !== generation || disposed) return;
      actions().setError('settings', refusalOf(err));
    }
    const replay = held ?? [];
    held = null;
    if (replay.length > 0) actions().addTimelineEvents(replay);
  };

  const commands: AppCommands = {
    async updateSettings(change) {
      try {
        actions().setSettings(await api.updateSettings(change));
        actions().setError('settings', null);
      } catch (err) {
        actions().setError('settings', refusalOf(err));
      }
    },
    resync,
    async choosePath(request) {
      return (await api.choosePath(request)).path;
    },
  };

  // Load when the connection opens, and again whenever it comes back (events were missed).
  const unwatch = whileConnected(store, () => void resync());

  return {
    commands,
    dispose() {
      disposed = true;
      unwatch();
      unsubscribe();
    },
  };
}
