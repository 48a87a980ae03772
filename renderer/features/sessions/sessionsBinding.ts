/**
 * Where the back end's recordingState and sessionsChanged events enter the store (from start-up,
 * outside React), and the requests of the Record button and the Sessions tab. The recording state,
 * the library and the folder are read at each connection (the Record button is always on screen)
 * and each time the tab is shown.
 */
import type { GapscopeApi } from '../../../shared/contract';
import { GapscopeError, type ErrorInfo } from '../../../shared/errors';
import { refusalOf } from '../../app/errors';
import { whileConnected, whileShown, type AppStore } from '../../store/store';

/** A saved copy of a session's capture. */
export interface SavedCapture {
  file: string;
  bytes: number;
  /** Null when the whole capture was copied. */
  packets: number | null;
}

/** What the Record button and the Sessions tab can ask the back end. */
export interface SessionsCommands {
  /** Reloads the recording state, the library and the folder. */
  refresh(): Promise<void>;
  /** Starts recording every running stream, or stops the recording under way. */
  toggleRecording(): Promise<void>;
  /** Each of these is true when done; when not, the reason is the store's actionError. */
  changeFolder(folder: string): Promise<boolean>;
  rename(id: string, name: string): Promise<boolean>;
  annotate(id: string, notes: string): Promise<boolean>;
  remove(id: string): Promise<boolean>;
  /** Shows the session's streams in Reception. */
  open(id: string): Promise<boolean>;
  /** Saves the capture (whole, or seconds after its first packet) to a path on the back end's machine. */
  saveCapture(id: string, range: { fromS: number; toS: number } | null, path: string): Promise<{ saved: SavedCapture } | { error: ErrorInfo }>;
}

/** Binds the Sessions feature to the store; returns its commands and the function that unbinds. */
export function bindSessions(api: GapscopeApi, store: AppStore): { commands: SessionsCommands; dispose(): void } {
  const sessions = () => store.getState().sessions;
  const act = async (work: () => Promise<unknown>): Promise<boolean> => {
    sessions().setActionError(null);
    try {
      await work();
      return true;
    } catch (e) {
      sessions().setActionError(refusalOf(e));
      return false;
    }
  };

  const commands: SessionsCommands = {
    async refresh() {
      try {
        const [recording, list, folder] = await Promise.all([api.getRecordingState(), api.listSessions(), api.getSessionFolder()]);
        sessions().setRecording(recording);
        sessions().setList(list);
        sessions().setFolder(folder);
      } catch (e) {
        sessions().setListError(refusalOf(e));
      }
    },
    async toggleRecording() {
      if (sessions().busy) return;
      sessions().setBusy(true);
      sessions().setRecordError(null);
      try {
        sessions().setRecording(sessions().recording?.recording ? await api.stopRecording() : await api.startRecording());
      } catch (e) {
        sessions().setRecordError(refusalOf(e));
      } finally {
        sessions().setBusy(false);
      }
    },
    changeFolder: (folder) =>
      act(async () => {
        sessions().setFolder(await api.setSessionFolder(folder));
        await commands.refresh();
      }),
    rename: (id, name) => act(() => api.renameSession(id, name)),
    annotate: (id, notes) => act(() => api.annotateSession(id, notes)),
    remove: (id) => act(() => api.deleteSession(id)),
    open: (id) =>
      act(async () => {
        const streams = await api.openSession(id);
        const name = sessions().list?.find((s) => s.id === id)?.name ?? id;
        if (streams.length === 0) throw new GapscopeError('not-found', `"${name}" holds no measurements to show (it was cut short before its first save).`);
        const app = store.getState();
        app.showView('reception');
        if (streams[0]) app.selectStream(streams[0].id);
      }),
    async saveCapture(id, range, path) {
      try {
        return { saved: await api.saveSessionCapture(id, range, path) };
      } catch (e) {
        return { error: refusalOf(e) };
      }
    },
  };

  const offs = [
    api.on('recordingState', (r) => sessions().setRecording(r)),
    api.on('sessionsChanged', (list) => sessions().setList(list)),
    whileConnected(store, () => void commands.refresh()),
    whileShown(store, 'sessions', () => {
      // A failed action belongs to the visit it happened in, as when the tab kept it itself.
      sessions().setActionError(null);
      void commands.refresh();
    }),
  ];
  return {
    commands,
    dispose() {
      for (const off of offs) off();
    },
  };
}
