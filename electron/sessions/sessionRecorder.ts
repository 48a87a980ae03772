/**
 * The recording lifecycle of a session: records running streams to one pcapng file (an interface
 * per stream, written by each stream's own worker), keeps session.json beside it current every few
 * seconds, and finishes it (summary section, final counts) when asked, when every stream has
 * stopped, or when the disk fails (a full disk or a permission error stops it with a clear message
 * and keeps what was written).
 */
import { appendFileSync, closeSync, fstatSync, ftruncateSync, lstatSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { arch, hostname, platform, release } from 'node:os';
import { basename, join } from 'node:path';
import type { ErrorInfo, StreamInfo } from '../../shared/contract';
import type { EndedRecording, RecordingState, SessionRecord, SessionStream } from '../../shared/contract/sessions';
import { GapscopeError } from '../../shared/errors';
import { concatBytes, interfaceDescriptionBlock, sectionHeaderBlock } from '../../shared/pcapng/write';
import { sessionSummaryBlock } from '../../shared/pcapng/writeSummary';
import type { ServiceContext } from '../kernel/services';
import { appVersion } from '../kernel/version';
import { explainWriteError } from '../reception/recordingFile';
import type { ReceptionService, RecordingEvent } from '../reception/receptionService';
import { SessionExtras, type RecordingSources } from './sessionExtras';
import { CAPTURE_FILE, SESSION_FILE, SessionLibrary, fileErrorSentence, recountExtras, scanWhole, writeFileAtomic } from './sessionLibrary';

/** session.json is rewritten this often while recording, ms. */
export const SAVE_EVERY_MS = 3000;
/** Room session.json starts with, so that the final record of a session whose disk filled up fits in it. */
export const SIDECAR_RESERVE_BYTES = 16 * 1024;
/** Gaps per stream copied into the capture's summary comment (session.json has them all). */
export const SUMMARY_GAPS = 10_000;

/** The streams sessions record and open: the part of reception they use. */
export type RecordableStreams = Pick<ReceptionService, 'list' | 'state' | 'startRecording' | 'stopRecording' | 'onRecording' | 'addStopped'>;

/** What to record: some running streams (default all) into the library, or into one file. */
export interface RecordRequest {
  streamIds?: string[];
  file?: string;
  name?: string;
  /** Replace an existing file (and FILE.json) instead of refusing. */
  overwrite?: boolean;
}

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

/** Records one session at a time; tells `onChange` when the state or the library changes. */
export class SessionRecorder {
  private active: Active | null = null;
  private lastError: ErrorInfo | null = null;
  private lastEnded: EndedRecording | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly app = `Gapscope ${appVersion()}`;
  private readonly os = `${platform()} ${release()}`;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly streams: RecordableStreams,
    private readonly sources: RecordingSources,
    private readonly library: SessionLibrary,
    private readonly onChange: (what: { state: RecordingState; libraryChanged: boolean }) => void,
  ) {}

  /** The record of the library session being recorded, if `id` is it. */
  activeRecord(id: string): SessionRecord | null {
    const a = this.active;
    return a?.inLibrary && a.record.id === id ? a.record : null;
  }

  /** The library sessions being recorded now (one at most). */
  activeIds(): Set<string> {
    return new Set(this.active?.inLibrary ? [this.active.record.id] : []);
  }

  /** Changes the active session's record (a rename, notes) and writes session.json now. */
  editActive(change: (r: SessionRecord) => void, doing: string): void {
    const a = this.active!;
    change(a.record);
    try {
      writeFileAtomic(a.sidecarPath, JSON.stringify(a.record));
    } catch (e) {
      throw fileErrorSentence(e, a.sidecarPath, doing);
    }
  }

  /**
   * Writes the final session.json. When the disk refuses it (full, read-only, gone), a smaller
   * record without the measurements is tried, then written over the last saved one in place when it
   * fits in its blocks; failing that, the library keeps the record in memory, so this process still
   * lists the session as failed with its reason.
   */
  private writeFinal(a: Active): void {
    const r = a.record;
    const full = JSON.stringify(r);
    try {
      writeFileAtomic(a.sidecarPath, full);
      if (a.inLibrary) this.library.forget(r.id);
      return;
    } catch {
      // Try smaller below.
    }
    const small = JSON.stringify({ ...r, events: undefined, streams: r.streams.map((s) => ({ ...s, snapshot: null })) });
    try {
      writeFileAtomic(a.sidecarPath, small);
    } catch {
      if (!overwriteInPlace(a.sidecarPath, small)) {
        if (a.inLibrary) this.library.remember(r);
        return;
      }
    }
    // The library lists what is in memory (with the measurements) while this process runs.
    if (a.inLibrary) this.library.remember(r);
  }

  /** Whether something is being recorded, and how it goes. */
  state(): RecordingState {
    const a = this.active;
    if (!a) return { recording: false, sessionId: null, name: null, file: null, startedAt: null, streams: [], error: this.lastError, ...(this.lastEnded ? { ended: this.lastEnded } : {}) };
    return {
      recording: a.finishing === null,
      sessionId: a.record.id,
      name: a.record.name,
      file: a.capturePath,
      startedAt: a.record.created,
      streams: [...a.streams.values()].map((s) => ({ id: s.meta.streamId, label: s.meta.config.label ?? `port ${s.meta.config.port}`, packets: s.meta.packets, notRecorded: s.meta.notRecorded })),
      ...(a.extras ? { extras: { mdnsPackets: a.extras.info.mdnsPackets, dnsPackets: a.extras.info.dnsPackets, events: a.extras.info.events, notRecorded: a.extras.info.notRecorded } } : {}),
      error: a.error,
    };
  }

  /** Starts recording; resolves once every stream's worker has the file open. */
  async start(options: RecordRequest = {}): Promise<RecordingState> {
    if (this.active) throw new GapscopeError('invalid-argument', `"${this.active.record.name}" is being recorded; stop it before starting another recording.`);
    const rec = this.reception();
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
      for (const path of [capturePath, sidecarPath]) claimable(path, options.overwrite === true);
    } else {
      this.library.mustExist();
      SessionLibrary.check(this.library.folder, this.library.isDefault);
      id = this.library.newId(created);
      try {
        this.library.create(id);
      } catch (e) {
        throw cannotRecord(e, this.library.dir(id));
      }
      capturePath = join(this.library.dir(id), CAPTURE_FILE);
      sidecarPath = join(this.library.dir(id), SESSION_FILE);
    }
    // Only a new file, or one the request explicitly allows to replace.
    const flag = options.file && options.overwrite ? 'w' : 'wx';
    const name = options.name ?? (options.file ? basename(options.file) : `Session ${new Date(created).toLocaleString('sv-SE').slice(0, 16)}`);
    const headers = [
      sectionHeaderBlock({ hardware: arch(), os: this.os, userAppl: this.app, comment: `Gapscope session "${name}"` }),
      ...chosen.map((s) => interfaceDescriptionBlock({ name: `gapscope stream ${s.id}`, description: describe(s), tsresol: 6 })),
      // Interface ids: the streams 0…n-1, the timeline n, the DNS probes n+1 (when wired), then one per link that mDNS comes from.
      ...SessionExtras.headerBlocks(this.sources),
    ];
    try {
      writeFileSync(capturePath, concatBytes(headers), { flag });
    } catch (e) {
      throw cannotRecord(e, capturePath);
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
      app: this.app,
      os: this.os,
      capture: options.file ? capturePath : CAPTURE_FILE,
      streams: [],
      savedAt: created,
    };
    try {
      // session.json (or FILE.json) is ours from here on: later saves replace only it. It starts
      // padded (JSON allows trailing spaces), so that on a full disk the final record still fits in place.
      writeFileSync(sidecarPath, JSON.stringify(record).padEnd(SIDECAR_RESERVE_BYTES), { flag });
    } catch (e) {
      throw cannotRecord(e, sidecarPath);
    }
    const streams = new Map<string, ActiveStream>();
    chosen.forEach((s, i) => {
      streams.set(s.id, {
        ended: false,
        meta: { streamId: s.id, interfaceId: i, config: s.config, info: s, recordingStartedAt: created, fromStreamStart: false, packets: 0, notRecorded: 0, bytesWritten: 0, snapshot: null, error: null },
      });
    });
    let extras: SessionExtras;
    try {
      extras = new SessionExtras(capturePath, chosen.length, this.ctx.timeline, this.sources, (e) => void this.finish(e));
    } catch (e) {
      throw cannotRecord(e, capturePath);
    }
    const a: Active = { record, capturePath, sidecarPath, inLibrary: !options.file, streams, extras, timer: setInterval(() => void this.save(a), SAVE_EVERY_MS), saving: false, finishing: null, error: null };
    this.active = a;
    this.lastError = null;
    this.lastEnded = null;
    try {
      for (const s of streams.values()) {
        const started = await rec.startRecording(s.meta.streamId, { path: capturePath, interfaceId: s.meta.interfaceId, tsresol: 6 });
        s.meta.fromStreamStart = started.fromStreamStart;
        s.meta.recordingStartedAt = s.meta.info.startedAt + started.atMs;
      }
    } catch (e) {
      const info: ErrorInfo = e instanceof GapscopeError ? { code: e.code, message: e.message } : { code: 'internal', message: String(e) };
      await this.finish(info);
      throw new GapscopeError(info.code, info.message);
    }
    await this.save(a);
    this.ctx.timeline.post({ source: 'session', kind: 'recording-started', severity: 'info', summary: `Recording "${name}" started (${chosen.length} stream${chosen.length === 1 ? '' : 's'})`, detail: { sessionId: id, file: capturePath } });
    this.changed(a.inLibrary);
    return this.state();
  }

  /** Stops the recording, if any; resolves once the capture and session.json are complete on disk. */
  async stop(): Promise<RecordingState> {
    if (this.active) await this.finish(null);
    return this.state();
  }

  /** Ends a recording left running at close. */
  async close(): Promise<void> {
    await this.stop();
    this.unsubscribe?.();
  }

  private reception(): RecordableStreams {
    if (!this.unsubscribe) this.unsubscribe = this.streams.onRecording((e) => this.onRecording(e));
    return this.streams;
  }

  private changed(libraryChanged: boolean): void {
    this.onChange({ state: this.state(), libraryChanged });
  }

  private onRecording(e: RecordingEvent): void {
    const a = this.active;
    const s = a?.streams.get(e.id);
    if (!a || !s) return;
    if (e.type === 'progress') {
      s.meta.packets = e.counts.written;
      s.meta.notRecorded = e.counts.notRecorded;
      s.meta.bytesWritten = e.counts.bytesWritten;
      this.changed(false);
      return;
    }
    s.ended = true;
    s.meta.packets = e.end.counts.written;
    s.meta.notRecorded = e.end.counts.notRecorded;
    s.meta.bytesWritten = e.end.counts.bytesWritten;
    if (e.end.error) {
      s.meta.error = e.end.error;
      // One stream's disk error stops the whole session: the others write to the same disk.
      void this.finish(e.end.error);
    } else if ([...a.streams.values()].every((x) => x.ended)) void this.finish(null);
  }

  private async save(a: Active): Promise<void> {
    if (a.saving) return;
    a.saving = true;
    try {
      const rec = this.reception();
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
      // The disk refused session.json (full, read-only, gone): the capture would be next; the session ends failed.
      a.saving = false;
      void this.finish(explainWriteError(e, a.sidecarPath));
    } finally {
      a.saving = false;
    }
  }

  /** Ends the active recording: every stream's worker flushes, the summary section goes last, session.json is final. */
  private finish(error: ErrorInfo | null): Promise<void> {
    const a = this.active;
    if (!a) return Promise.resolve();
    if (a.finishing) return a.finishing;
    if (error) a.error ??= error;
    a.finishing = (async () => {
      clearInterval(a.timer);
      this.changed(false);
      const rec = this.reception();
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
      await this.save(a);
      const r = a.record;
      r.status = a.error ? 'failed' : 'complete';
      r.error = a.error;
      r.ended = Date.now();
      r.owner = null;
      keepExtras(a);
      if (a.error) {
        // A write that failed halfway may leave a torn block: trim it and count what is really there
        // (nothing, when the capture is gone with its folder).
        let byInterface: readonly number[] = [];
        try {
          byInterface = scanWhole(a.capturePath).packetsByInterface;
        } catch {
          // Gone or unreadable: it holds no packet anyone can read.
        }
        for (const s of a.streams.values()) s.meta.packets = byInterface[s.meta.interfaceId] ?? 0;
        if (r.extras) recountExtras(r.extras, byInterface);
      } else {
        try {
          appendFileSync(a.capturePath, sessionSummaryBlock({ userAppl: this.app, os: this.os }, summaryForCapture(r)));
        } catch (e) {
          r.error = explainWriteError(e, a.capturePath);
        }
      }
      r.streams = [...a.streams.values()].map((s) => s.meta);
      if (r.error && !a.error) {
        a.error = r.error;
        r.status = 'failed';
      }
      this.writeFinal(a);
      const packets = r.streams.reduce((n, s) => n + s.packets, 0);
      if (a.error) {
        this.ctx.timeline.post({ source: 'session', kind: 'recording-failed', severity: 'error', summary: a.error.message, detail: { sessionId: r.id, file: a.capturePath, packets } });
      } else {
        this.ctx.timeline.post({ source: 'session', kind: 'recording-stopped', severity: 'info', summary: `Recording "${r.name}" stopped: ${packets} packets`, detail: { sessionId: r.id, file: a.capturePath, packets } });
      }
      this.lastError = a.error;
      this.lastEnded = {
        sessionId: r.id,
        file: a.capturePath,
        sidecar: a.sidecarPath,
        status: r.status,
        streams: r.streams.map((s) => ({ id: s.streamId, label: s.config.label ?? `port ${s.config.port}`, packets: s.packets, notRecorded: s.notRecorded, fromStreamStart: s.fromStreamStart })),
        error: r.error,
      };
      this.active = null;
      this.changed(a.inLibrary);
    })();
    return a.finishing;
  }
}

/** Refuses a chosen file that exists (unless the request allows replacing it) or is not a plain file. */
function claimable(path: string, overwrite: boolean): void {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return; // a new file
  }
  if (!st.isFile()) throw new GapscopeError('invalid-argument', `Cannot record: ${path} exists and is not a plain file (a folder, a device or a link); choose another name.`);
  if (!overwrite) throw new GapscopeError('invalid-argument', `Cannot record: ${path} already exists; choose another name, or ask to overwrite it.`);
}

/** Writes text over the start of an existing file and cuts it there, only when it fits in the file's current size (no new block needed). */
function overwriteInPlace(path: string, text: string): boolean {
  const bytes = Buffer.from(text);
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r+');
    if (fstatSync(fd).size < bytes.length) return false;
    writeSync(fd, bytes, 0, bytes.length, 0);
    ftruncateSync(fd, bytes.length);
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function cannotRecord(e: unknown, path: string): GapscopeError {
  if (e instanceof GapscopeError) return e;
  const info = explainWriteError(e, path);
  return new GapscopeError(info.code, info.message.replace(/^Recording stopped: /, 'Cannot record: '));
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
