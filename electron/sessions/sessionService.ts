/**
 * Sessions as a feature: the contract's entries over the library on disk (sessionLibrary.ts) and
 * the recording lifecycle (sessionRecorder.ts): list, read, rename, annotate, delete, download and
 * open past sessions; start and stop a recording.
 */
import { join } from 'node:path';
import type { SessionDeletion, SessionRecord, SessionSummary, sessionsRequests } from '../../shared/contract/sessions';
import { GapscopeError } from '../../shared/errors';
import type { FeatureService, ServiceContext } from '../kernel/services';
import { MAX_RANGE_SECONDS, saveSessionCapture, type SessionFinder } from './captureDownload';
import type { RecordingSources } from './sessionExtras';
import { SessionLibrary, fileErrorSentence, readFolderSetting, saveFolderSetting } from './sessionLibrary';
import { SessionRecorder, type RecordableStreams } from './sessionRecorder';
import { replaySession, type ReplayedStream } from './sessionReplay';

export type { RecordableStreams } from './sessionRecorder';

/** What sessions need from other features, handed over by createBackend. */
export interface SessionDeps {
  streams: RecordableStreams;
  /** Other features' hooks whose traffic joins the capture (mDNS, DNS probes). */
  sources?: RecordingSources;
}

/** Creates the sessions service over the streams and sources createBackend hands it. */
export function createSessionService(ctx: ServiceContext, deps: SessionDeps): FeatureService<keyof typeof sessionsRequests> {
  const chosen = readFolderSetting(ctx.dataDir);
  const library = new SessionLibrary(chosen ?? join(ctx.dataDir, 'sessions'), chosen === null);
  const list = (): SessionSummary[] => library.list(recorder.activeIds());
  const emitList = (): void => {
    try {
      ctx.emit('sessionsChanged', list());
    } catch {
      // An unreadable folder shows up when the UI lists it.
    }
  };
  const recorder = new SessionRecorder(ctx, deps.streams, deps.sources ?? {}, library, ({ state, libraryChanged }) => {
    ctx.emit('recordingState', state);
    if (libraryChanged) emitList();
  });

  function summaryOf(id: string): SessionSummary {
    const s = list().find((x) => x.id === id);
    if (!s) throw new GapscopeError('not-found', `No session ${id} in ${library.folder}.`);
    return s;
  }

  function edit(id: string, change: (r: SessionRecord) => void, doing: string): SessionSummary {
    if (recorder.activeRecord(id)) recorder.editActive(change, doing);
    else {
      const r = library.read(id);
      change(r);
      library.write(id, r, doing);
    }
    emitList();
    return summaryOf(id);
  }

  function getSession(id: string): SessionRecord {
    const active = recorder.activeRecord(id);
    if (active) return active;
    const r = library.read(id);
    if (r.status === 'recording') library.list(recorder.activeIds());
    return library.read(id);
  }

  const handlers: FeatureService<keyof typeof sessionsRequests>['handlers'] = {
    startRecording: (options) => recorder.start(options),
    stopRecording: () => recorder.stop(),
    getRecordingState: () => recorder.state(),
    listSessions: () => list(),
    getSession: (id) => getSession(id),
    renameSession: (id, name) => edit(id, (r) => (r.name = name), 'rename the session'),
    annotateSession: (id, notes) => edit(id, (r) => (r.notes = notes), "save the session's notes"),
    deleteSession: (id) => {
      const active = recorder.activeRecord(id);
      if (active) throw new GapscopeError('invalid-argument', `"${active.name}" is being recorded; stop the recording before deleting it.`);
      let deleted: SessionDeletion;
      try {
        deleted = library.remove(id);
      } catch (e) {
        throw fileErrorSentence(e, library.dir(id), 'delete the session');
      }
      emitList();
      return deleted;
    },
    getSessionFolder: () => library.folder,
    setSessionFolder: (folder) => {
      SessionLibrary.check(folder);
      try {
        saveFolderSetting(ctx.dataDir, folder);
      } catch (e) {
        throw fileErrorSentence(e, ctx.dataDir, 'keep the sessions folder setting');
      }
      library.folder = folder;
      library.isDefault = false;
      emitList();
      return folder;
    },
    saveSessionCapture: (id, range, file, options) => {
      const finder: SessionFinder = { getSession: (i) => getSession(i), getSessionFolder: () => library.folder };
      const req = range === null ? { id, range: null } : { id, range: { fromMs: (range.fromS ?? 0) * 1000, toMs: range.toS === undefined ? MAX_RANGE_SECONDS * 1000 : range.toS * 1000 } };
      return saveSessionCapture(finder, req, file, options?.overwrite === true);
    },
    openSession: async (id) => {
      list(); // marks the session interrupted first if its recorder is gone (its capture trimmed and recounted)
      const active = recorder.activeRecord(id);
      if (active) throw new GapscopeError('invalid-argument', `"${active.name}" is being recorded: Reception shows its streams live; stop the recording to open it as recorded.`);
      const r = library.read(id);
      if (r.streams.length === 0) throw new GapscopeError('not-found', `Session "${r.name}" recorded no stream.`);
      const capture = library.capturePath(r);
      let replayed: ReplayedStream[];
      try {
        replayed = await replaySession(r, capture);
      } catch (e) {
        const why = e instanceof GapscopeError && e.code === 'not-found' ? 'its capture is missing' : `its capture cannot be read (${e instanceof Error ? e.message : String(e)})`;
        throw new GapscopeError('not-found', `Session "${r.name}" cannot be opened: ${why}.`);
      }
      return replayed.map(({ stream: s, startedAt, snapshot }) => {
        const label = `${r.name} · ${s.config.label ?? `port ${s.config.port}`}`.slice(0, 100);
        const { id: _id, status: _status, origin: _origin, ...rest } = s.info;
        return deps.streams.addStopped({ ...rest, startedAt, config: { ...s.config, label }, error: s.error, warning: null }, snapshot, 'session');
      });
    },
  };

  return { handlers, close: () => recorder.close() };
}
