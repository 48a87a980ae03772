/**
 * Sessions: records running streams to one pcapng file (an interface per stream, written by each
 * stream's own worker), keeps session.json beside it current every few seconds, and serves the
 * library of past sessions. A full disk or a permission error stops the recording with a clear
 * message and keeps what was written.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, hostname, platform, release } from 'node:os';
import { basename, join } from 'node:path';
import type { ErrorInfo, StreamInfo } from '../../shared/contract';
import type { RecordingState, SessionRecord, SessionStream, SessionSummary, sessionsRequests } from '../../shared/contract/sessions';
import { GapscopeError } from '../../shared/errors';
import { concatBytes, interfaceDescriptionBlock, sectionHeaderBlock } from '../../shared/pcapng/write';
import { sessionSummaryBlock } from '../../shared/pcapng/writeSummary';
import type { FeatureService, ServiceContext } from '../kernel/services';
import { appVersion } from '../kernel/version';
import type { ReceptionService, RecordingEvent } from '../reception/receptionService';
import { MAX_RANGE_SECONDS, saveSessionCapture, type SessionFinder } from './captureDownload';
import { explainWriteError } from '../reception/recordingFile';
import { SessionExtras, type RecordingSources } from './sessionExtras';
import { CAPTURE_FILE, SESSION_FILE, SessionLibrary, recountExtras, scanCapture, writeFileAtomic } from './sessionLibrary';

/** session.json is rewritten this often while recording, ms. */
export const SAVE_EVERY_MS = 3000;
/** Gaps per stream copied into the capture's summary comment (session.json has them all). */
export const SUMMARY_GAPS = 10_000;

interface ActiveStream {
  meta: SessionStream;
  ended: boolean;
}

interface Active {
  record: SessionRecord;
  capturePath: string;
  sidecarPath: string;
  inLibrary: boolean;
  streams: Map<string, ActiveStream>;
  /** mDNS traffic and timeline events, written beside the streams. */
  extras: SessionExtras | null;
  timer: NodeJS.Timeout;
  saving: boolean;
  finishing: Promise<void> | null;
  error: ErrorInfo | null;
}

/** The streams sessions record and open: the part of reception they use. */
export type RecordableStreams = Pick<ReceptionService, 'list' | 'state' | 'startRecording' | 'stopRecording' | 'onRecording' | 'addStopped'>;

/** What sessions need from other features, handed over by createBackend. */
export interface SessionDeps {
  streams: RecordableStreams;
  /** Other features' hooks whose traffic joins the capture (mDNS, DNS probes). */
  sources?: RecordingSources;
}

/** Creates the sessions service over the streams and sources createBackend hands it. */
export function createSessionService(ctx: ServiceContext, deps: SessionDeps): FeatureService<keyof typeof sessionsRequests> {
  const reception = deps.streams;
  const sources = deps.sources ?? {};
  const configPath = join(ctx.dataDir, 'sessions-folder.json');
  const library = new SessionLibrary(readFolderSetting(configPath) ?? join(ctx.dataDir, 'sessions'));
  const app = `Gapscope ${appVersion()}`;
  const os = `${platform()} ${release()}`;
  let active: Active | null = null;
  let lastError: ErrorInfo | null = null;
  let unsubscribe: (() => void) | null = null;

  const receptionService = (): RecordableStreams => {
    if (!unsubscribe) unsubscribe = reception.onRecording(onRecording);
    return reception;
  };

  const state = (): RecordingState => {
    if (!active) return { recording: false, sessionId: null, name: null, file: null, startedAt: null, streams: [], error: lastError };
    return {
      recording: active.finishing === null,
      sessionId: active.record.id,
      name: active.record.name,
      file: active.capturePath,
      startedAt: active.record.created,
      streams: [...active.streams.values()].map((s) => ({ id: s.meta.streamId, label: s.meta.config.label ?? `port ${s.meta.config.port}`, packets: s.meta.packets, notRecorded: s.meta.notRecorded })),
      ...(active.extras ? { extras: { mdnsPackets: active.extras.info.mdnsPackets, dnsPackets: active.extras.info.dnsPackets, events: active.extras.info.events, notRecorded: active.extras.info.notRecorded } } : {}),
      error: active.error,
    };
  };
  const emitState = (): void => ctx.emit('recordingState', state());
  const activeIds = (): Set<string> => new Set(active?.inLibrary ? [active.record.id] : []);
  const list = (): SessionSummary[] => library.list(activeIds());
  const emitList = (): void => {
    try {
      ctx.emit('sessionsChanged', list());
    } catch {
      // An unreadable folder shows up when the UI lists it.
    }
  };

  function onRecording(e: RecordingEvent): void {
    const s = active?.streams.get(e.id);
    if (!active || !s) return;
    if (e.type === 'progress') {
      s.meta.packets = e.counts.written;
      s.meta.notRecorded = e.counts.notRecorded;
      s.meta.bytesWritten = e.counts.bytesWritten;
      emitState();
      return;
    }
    s.ended = true;
    s.meta.packets = e.end.counts.written;
    s.meta.notRecorded = e.end.counts.notRecorded;
    s.meta.bytesWritten = e.end.counts.bytesWritten;
    if (e.end.error) {
      s.meta.error = e.end.error;
      // One stream's disk error stops the whole session: the others write to the same disk.
      void finish(e.end.error);
    } else if ([...active.streams.values()].every((x) => x.ended)) void finish(null);
  }

  async function save(a: Active): Promise<void> {
    if (a.saving) return;
    a.saving = true;
    try {
      const rec = receptionService();
      for (const s of a.streams.values()) {
        try {
          const st = await rec.state(s.meta.streamId);
          s.meta.snapshot = st.snapshot;
          s.meta.info = st.info;
        } catch {
          // A stream removed meanwhile keeps its last snapshot.
        }
      }
      a.record.streams = [...a.streams.values()].map((s) => s.meta);
      keepExtras(a);
      writeFileAtomic(a.sidecarPath, JSON.stringify(a.record));
    } catch (e) {
      // The capture matters more than its sidecar: a failed save is retried at the next tick.
      a.error ??= explainWriteError(e, a.sidecarPath);
    } finally {
      a.saving = false;
    }
  }

  async function startRecording(options: { streamIds?: string[]; file?: string; name?: string } = {}): Promise<RecordingState> {
    if (active) throw new GapscopeError('invalid-argument', `"${active.record.name}" is being recorded; stop it before starting another recording.`);
    const rec = receptionService();
    const running = rec.list();
    let chosen: StreamInfo[];
    if (options.streamIds) {
      chosen = options.streamIds.map((id) => {
        const s = running.find((x) => x.id === id);
        if (!s) throw new GapscopeError('not-found', `No stream with id ${id}.`);
        if (s.status !== 'listening') throw new GapscopeError('invalid-argument', `Stream ${id} is not listening; only running streams can be recorded.`);
        return s;
      });
    } else chosen = running.filter((s) => s.status === 'listening');
    if (chosen.length === 0) throw new GapscopeError('invalid-argument', 'No stream is running: start one in Reception first, then record.');

    const created = Date.now();
    let id: string;
    let capturePath: string;
    let sidecarPath: string;
    if (options.file) {
      capturePath = options.file;
      sidecarPath = `${options.file}.json`;
      id = basename(options.file).replace(/\.pcapng$/i, '').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[^A-Za-z0-9]+/, '') || 'recording';
    } else {
      SessionLibrary.check(library.folder);
      id = newSessionId(library, created);
      SessionLibrary.check(library.dir(id));
      capturePath = join(library.dir(id), CAPTURE_FILE);
      sidecarPath = join(library.dir(id), SESSION_FILE);
    }
    const name = options.name ?? (options.file ? basename(options.file) : `Session ${new Date(created).toLocaleString('sv-SE').slice(0, 16)}`);
    const headers = [
      sectionHeaderBlock({ hardware: arch(), os, userAppl: app, comment: `Gapscope session "${name}"` }),
      ...chosen.map((s) => interfaceDescriptionBlock({ name: `gapscope stream ${s.id}`, description: describe(s), tsresol: 6 })),
      // Interface ids: the streams 0…n-1, the timeline n, the DNS probes n+1 (when wired), then one per link that mDNS comes from.
      ...SessionExtras.headerBlocks(sources),
    ];
    try {
      writeFileSync(capturePath, concatBytes(headers));
    } catch (e) {
      const info = explainWriteError(e, capturePath);
      throw new GapscopeError(info.code, info.message.replace(/^Recording stopped: /, 'Cannot record: '));
    }
    const record: SessionRecord = {
      format: 'gapscope-session',
      version: 1,
      id,
      name,
      notes: '',
      created,
      ended: null,
      status: 'recording',
      owner: { pid: process.pid, host: hostname() },
      error: null,
      app,
      os,
      capture: options.file ? capturePath : CAPTURE_FILE,
      streams: [],
      savedAt: created,
    };
    const streams = new Map<string, ActiveStream>();
    chosen.forEach((s, i) => {
      streams.set(s.id, {
        ended: false,
        meta: { streamId: s.id, interfaceId: i, config: s.config, info: s, recordingStartedAt: created, fromStreamStart: false, packets: 0, notRecorded: 0, bytesWritten: 0, snapshot: null, error: null },
      });
    });
    let extras: SessionExtras;
    try {
      extras = new SessionExtras(capturePath, chosen.length, ctx.timeline, sources, (e) => void finish(e));
    } catch (e) {
      const info = explainWriteError(e, capturePath);
      throw new GapscopeError(info.code, info.message.replace(/^Recording stopped: /, 'Cannot record: '));
    }
    const a: Active = { record, capturePath, sidecarPath, inLibrary: !options.file, streams, extras, timer: setInterval(() => void save(a), SAVE_EVERY_MS), saving: false, finishing: null, error: null };
    active = a;
    lastError = null;
    try {
      for (const s of streams.values()) {
        const started = await rec.startRecording(s.meta.streamId, { path: capturePath, interfaceId: s.meta.interfaceId, tsresol: 6 });
        s.meta.fromStreamStart = started.fromStreamStart;
        s.meta.recordingStartedAt = s.meta.info.startedAt + started.atMs;
      }
    } catch (e) {
      const info: ErrorInfo = e instanceof GapscopeError ? { code: e.code, message: e.message } : { code: 'internal', message: String(e) };
      await finish(info);
      throw new GapscopeError(info.code, info.message);
    }
    await save(a);
    ctx.timeline.post({ source: 'session', kind: 'recording-started', severity: 'info', summary: `Recording "${name}" started (${chosen.length} stream${chosen.length === 1 ? '' : 's'})`, detail: { sessionId: id, file: capturePath } });
    emitState();
    if (a.inLibrary) emitList();
    return state();
  }

  /** Ends the active recording: every stream's worker flushes, the summary section goes last, session.json is final. */
  function finish(error: ErrorInfo | null): Promise<void> {
    const a = active;
    if (!a) return Promise.resolve();
    if (a.finishing) return a.finishing;
    if (error) a.error ??= error;
    a.finishing = (async () => {
      clearInterval(a.timer);
      emitState();
      const rec = receptionService();
      for (const s of a.streams.values()) {
        if (s.ended) continue;
        try {
          const end = await rec.stopRecording(s.meta.streamId);
          if (end) {
            s.meta.packets = end.counts.written;
            s.meta.notRecorded = end.counts.notRecorded;
            s.meta.bytesWritten = end.counts.bytesWritten;
          }
        } catch {
          // The stream was removed: its worker closed the file when it stopped.
        }
        s.ended = true;
      }
      await a.extras?.close();
      while (a.saving) await new Promise((r) => setTimeout(r, 10));
      await save(a);
      const r = a.record;
      r.status = a.error ? 'failed' : 'complete';
      r.error = a.error;
      r.ended = Date.now();
      r.owner = null;
      keepExtras(a);
      if (a.error) {
        // A write that failed halfway may leave a torn block: trim it and count what is really there.
        try {
          const scan = scanCapture(a.capturePath, true);
          for (const s of a.streams.values()) s.meta.packets = scan.packetsByInterface[s.meta.interfaceId] ?? 0;
          if (r.extras) recountExtras(r.extras, scan.packetsByInterface);
        } catch {
          // The capture is gone or unreadable; session.json says why the recording stopped.
        }
      } else {
        try {
          appendFileSync(a.capturePath, sessionSummaryBlock({ userAppl: app, os }, summaryForCapture(r)));
        } catch (e) {
          r.error = explainWriteError(e, a.capturePath);
        }
      }
      r.streams = [...a.streams.values()].map((s) => s.meta);
      try {
        writeFileAtomic(a.sidecarPath, JSON.stringify(r));
      } catch (e) {
        r.error ??= explainWriteError(e, a.sidecarPath);
      }
      const packets = r.streams.reduce((n, s) => n + s.packets, 0);
      if (a.error) {
        ctx.timeline.post({ source: 'session', kind: 'recording-failed', severity: 'error', summary: a.error.message, detail: { sessionId: r.id, file: a.capturePath, packets } });
      } else {
        ctx.timeline.post({ source: 'session', kind: 'recording-stopped', severity: 'info', summary: `Recording "${r.name}" stopped: ${packets} packets`, detail: { sessionId: r.id, file: a.capturePath, packets } });
      }
      lastError = a.error;
      active = null;
      emitState();
      if (a.inLibrary) emitList();
    })();
    return a.finishing;
  }

  function summaryOf(id: string): SessionSummary {
    const s = list().find((x) => x.id === id);
    if (!s) throw new GapscopeError('not-found', `No session ${id} in ${library.folder}.`);
    return s;
  }

  function edit(id: string, change: (r: SessionRecord) => void): SessionSummary {
    if (active?.inLibrary && active.record.id === id) {
      change(active.record);
      writeFileAtomic(active.sidecarPath, JSON.stringify(active.record));
    } else {
      const r = library.read(id);
      change(r);
      library.write(r);
    }
    emitList();
    return summaryOf(id);
  }

  const handlers: FeatureService<keyof typeof sessionsRequests>['handlers'] = {
    startRecording: (options) => startRecording(options),
    stopRecording: async () => {
      const a = active;
      if (a) await finish(null);
      return state();
    },
    getRecordingState: () => state(),
    listSessions: () => list(),
    getSession: (id) => {
      if (active?.inLibrary && active.record.id === id) return active.record;
      const r = library.read(id);
      if (r.status === 'recording' && !activeIds().has(id)) library.list(activeIds());
      return library.read(id);
    },
    renameSession: (id, name) => edit(id, (r) => (r.name = name)),
    annotateSession: (id, notes) => edit(id, (r) => (r.notes = notes)),
    deleteSession: (id) => {
      if (active?.inLibrary && active.record.id === id) throw new GapscopeError('invalid-argument', `"${active.record.name}" is being recorded; stop the recording before deleting it.`);
      library.remove(id);
      emitList();
    },
    getSessionFolder: () => library.folder,
    setSessionFolder: (folder) => {
      SessionLibrary.check(folder);
      // A first run may not have its data folder yet.
      mkdirSync(ctx.dataDir, { recursive: true });
      writeFileAtomic(configPath, JSON.stringify({ folder }));
      library.folder = folder;
      emitList();
      return folder;
    },
    saveSessionCapture: (id, range, file) => {
      const finder: SessionFinder = { getSession: (i) => handlers.getSession(i), getSessionFolder: () => library.folder };
      const req = range === null ? { id, range: null } : { id, range: { fromMs: (range.fromS ?? 0) * 1000, toMs: range.toS === undefined ? MAX_RANGE_SECONDS * 1000 : range.toS * 1000 } };
      return saveSessionCapture(finder, req, file);
    },
    openSession: (id) => {
      list(); // marks the session interrupted first if its recorder is gone
      const r = active?.inLibrary && active.record.id === id ? active.record : library.read(id);
      const rec = receptionService();
      const opened: StreamInfo[] = [];
      for (const s of r.streams) {
        if (!s.snapshot) continue;
        const label = `${r.name} · ${s.config.label ?? `port ${s.config.port}`}`.slice(0, 100);
        const { id: _id, status: _status, ...rest } = s.info;
        opened.push(rec.addStopped({ ...rest, config: { ...s.config, label, binMs: s.snapshot.bins.binMs }, error: s.error, warning: null }, s.snapshot));
      }
      if (opened.length === 0) throw new GapscopeError('not-found', `Session "${r.name}" has no saved measurements to show (it was cut short before its first save).`);
      return opened;
    },
  };

  return {
    handlers,
    close: async () => {
      if (active) await finish(null);
      unsubscribe?.();
    },
  };
}

function readFolderSetting(path: string): string | null {
  try {
    if (!existsSync(path)) return null;
    const v = JSON.parse(readFileSync(path, 'utf8')) as { folder?: unknown };
    return typeof v.folder === 'string' && v.folder ? v.folder : null;
  } catch {
    return null;
  }
}

/** A folder name that sorts by date and never collides. */
function newSessionId(library: SessionLibrary, at: number): string {
  const base = new Date(at).toISOString().slice(0, 19).replace(/:/g, '-');
  let id = base;
  for (let n = 2; existsSync(library.dir(id)); n++) id = `${base}-${n}`;
  return id;
}

/** The interface description: what was listened to, as the user configured it. */
function describe(s: StreamInfo): string {
  const c = s.config;
  const where = c.address ? (c.address.includes(':') ? `[${c.address}]:${c.port}` : `${c.address}:${c.port}`) : `port ${c.port}`;
  return `UDP ${where} (${s.kind}, ${s.family}${c.iface ? `, interface ${c.iface}` : ''}${s.bound ? `, bound ${s.bound}` : ''})${c.label ? ` "${c.label}"` : ''}`;
}

/** What the capture's summary comment holds: settings, statistics and gaps, without the bin series. */
function summaryForCapture(r: SessionRecord): unknown {
  return {
    id: r.id,
    name: r.name,
    notes: r.notes,
    created: new Date(r.created).toISOString(),
    ended: r.ended === null ? null : new Date(r.ended).toISOString(),
    status: r.status,
    app: r.app,
    os: r.os,
    streams: r.streams.map((s) => ({
      interfaceId: s.interfaceId,
      config: s.config,
      kind: s.info.kind,
      bound: s.info.bound,
      recordingStartedAt: new Date(s.recordingStartedAt).toISOString(),
      fromStreamStart: s.fromStreamStart,
      packets: s.packets,
      notRecorded: s.notRecorded,
      totals: s.snapshot?.totals ?? null,
      gapThresholdMs: s.snapshot?.gapThresholdMs ?? null,
      periodicity: s.snapshot?.periodicity.summary ?? null,
      loss: s.snapshot?.loss ?? null,
      gaps: s.snapshot?.gaps.slice(-SUMMARY_GAPS) ?? [],
      gapsOmitted: Math.max(0, (s.snapshot?.gaps.length ?? 0) - SUMMARY_GAPS),
    })),
    // The events themselves are frames of the timeline interface; session.json lists them too.
    extras: r.extras ?? null,
  };
}

/** Copies the extras' counters and events into the session record. */
function keepExtras(a: Active): void {
  if (!a.extras) return;
  a.record.extras = { ...a.extras.info, mdnsInterfaces: a.extras.info.mdnsInterfaces.slice() };
  a.record.events = a.extras.events;
}

