/**
 * The session library on disk: a folder per session (capture.pcapng + session.json), JSON written
 * atomically (temporary file, then rename) so a crash leaves either the old or the new version, and
 * the scan that finds sessions a killed process left "recording" and marks them interrupted.
 */
import { closeSync, existsSync, fstatSync, ftruncateSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { SessionDeletion, SessionExtrasInfo, SessionRecord, SessionSummary } from '../../shared/contract/sessions';
import { GapscopeError } from '../../shared/errors';
import { BlockScanner, type BlockScan } from '../../shared/pcapng/writeRecovery';

/** The files of a session folder. */
export const CAPTURE_FILE = 'capture.pcapng';
export const SESSION_FILE = 'session.json';
/** Written first into every session folder Gapscope makes: only such a folder is ever deleted. */
export const MARKER_FILE = '.gapscope-session';

/** Writes a file so that readers see the old or the new content, never half of it; no temporary file stays behind a failure. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** A file error as one sentence about what could not be done and why. */
export function fileErrorSentence(e: unknown, path: string, doing: string): GapscopeError {
  if (e instanceof GapscopeError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new GapscopeError('disk-full', `Cannot ${doing}: the disk holding ${path} is full.`);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new GapscopeError('permission-denied', `Cannot ${doing}: no permission to write ${path}${code === 'EROFS' ? ' (read-only file system)' : ''}.`);
    case 'ENOENT':
    case 'ENOTDIR':
      return new GapscopeError('not-found', `Cannot ${doing}: the folder of ${path} does not exist (was it removed or unmounted?).`);
    case 'EEXIST':
      return new GapscopeError('invalid-argument', `Cannot ${doing}: ${path} already exists and Gapscope did not make it; choose another name.`);
    default:
      return new GapscopeError('internal', `Cannot ${doing}: ${e instanceof Error ? e.message.replace(/^[A-Z]+: /, '') : String(e)}.`);
  }
}

/** Reads a session.json; null when missing or not one of ours. */
export function readSessionRecord(path: string): SessionRecord | null {
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as SessionRecord;
    return r && r.format === 'gapscope-session' && typeof r.id === 'string' && Array.isArray(r.streams) ? r : null;
  } catch {
    return null;
  }
}

/** True when the process named in a session's owner is alive on this host (so it is really recording). */
export function ownerAlive(owner: SessionRecord['owner'], activeHere: boolean): boolean {
  if (!owner) return false;
  if (owner.host !== hostname()) return true; // another machine's recording on a shared folder: leave it be
  if (owner.pid === process.pid) return activeHere;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Scans a capture Gapscope wrote; with trim, cuts a torn last block so every reader accepts the file. */
export function scanCapture(path: string, trim: boolean): BlockScan {
  const fd = openSync(path, trim ? 'r+' : 'r');
  try {
    const scanner = new BlockScanner();
    const buf = new Uint8Array(1 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      scanner.push(buf.subarray(0, n));
    }
    const scan = scanner.result();
    if (trim && scan.wholeBytes < fstatSync(fd).size) ftruncateSync(fd, scan.wholeBytes);
    return scan;
  } finally {
    closeSync(fd);
  }
}

/** Counts a capture's whole blocks, trimming a torn last one when the file can be written (a read-only one is only counted). */
export function scanWhole(path: string): BlockScan {
  try {
    return scanCapture(path, true);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return scanCapture(path, false);
    throw e;
  }
}

/** A short line per stream for the library list. */
export function streamLine(s: SessionRecord['streams'][number]): string {
  const c = s.config;
  const where = c.address ? (c.address.includes(':') ? `[${c.address}]:${c.port}` : `${c.address}:${c.port}`) : `port ${c.port}`;
  return `${c.label ? `${c.label}: ` : ''}${where} (${s.info.kind})`;
}

/** The library's summary of a session record. */
export function summarize(r: SessionRecord, captureBytes: number): SessionSummary {
  const durationMs = r.streams.reduce((m, s) => Math.max(m, s.snapshot ? s.snapshot.totals.durationMs - recordingOffset(s) : 0), 0);
  return {
    id: r.id,
    name: r.name,
    notes: r.notes,
    created: r.created,
    ended: r.ended,
    status: r.status,
    durationMs: r.ended !== null ? r.ended - r.created : durationMs,
    streams: r.streams.map(streamLine),
    packets: r.streams.reduce((n, s) => n + s.packets, 0),
    gaps: r.streams.reduce((n, s) => n + (s.snapshot ? s.snapshot.totals.gapCount : 0), 0),
    captureBytes,
    error: r.error,
    ...(r.extras ? { events: r.extras.eventsSeen, mdnsPackets: r.extras.mdnsPackets, dnsPackets: r.extras.dnsPackets ?? 0 } : {}),
  };
}

/**
 * Counts a capture's extras from a scan: events on the timeline interface, DNS on its own, mDNS on
 * every other interface after them (links described after the last save of session.json included).
 */
export function recountExtras(extras: SessionExtrasInfo, packetsByInterface: readonly number[]): void {
  extras.events = packetsByInterface[extras.timelineInterfaceId] ?? 0;
  const dns = extras.dnsInterfaceId ?? null;
  extras.dnsPackets = dns === null ? 0 : (packetsByInterface[dns] ?? 0);
  extras.mdnsPackets = packetsByInterface.reduce((n, c, id) => (id > extras.timelineInterfaceId && id !== dns ? n + c : n), 0);
}

function recordingOffset(s: SessionRecord['streams'][number]): number {
  return s.fromStreamStart ? 0 : Math.max(0, s.recordingStartedAt - s.info.startedAt);
}

/** The library folder: lists, reads, edits and deletes sessions. */
export class SessionLibrary {
  /** Final records the disk refused (full, read-only): listed from memory, written when the disk takes them. */
  private readonly unsaved = new Map<string, SessionRecord>();

  constructor(
    public folder: string,
    /** True for the default folder inside Gapscope's data folder (created with its parents). */
    public isDefault = false,
  ) {}

  /** Keeps a record the disk refused, so this process lists it as it is. */
  remember(r: SessionRecord): void {
    this.unsaved.set(r.id, r);
  }

  /** The disk has the record now. */
  forget(id: string): void {
    this.unsaved.delete(id);
  }

  /**
   * Proves a folder can hold sessions: creates it when missing (with its parents only for the
   * default folder, inside Gapscope's own data folder; a chosen folder's parent must exist) and
   * writes and removes a probe file.
   */
  static check(folder: string, createParents = false): void {
    const probe = join(folder, `.gapscope-write-test-${process.pid}`);
    try {
      if (existsSync(folder)) {
        if (!statSync(folder).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
      } else mkdirSync(folder, { recursive: createParents });
      writeFileSync(probe, 'ok', { flag: 'wx' });
      unlinkSync(probe);
    } catch (e) {
      try {
        rmSync(probe, { force: true });
      } catch {
        // No folder, so no probe.
      }
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new GapscopeError('permission-denied', `Cannot write to ${folder}: permission denied${code === 'EROFS' ? ' (read-only file system)' : ''}.`);
      if (code === 'ENOTDIR' || code === 'EEXIST') throw new GapscopeError('invalid-argument', `${folder} is not a folder.`);
      if (code === 'ENOENT') throw new GapscopeError('not-found', `${dirname(folder)} does not exist: choose an existing folder, or a new folder inside one.`);
      if (code === 'ENOSPC' || code === 'EDQUOT') throw new GapscopeError('disk-full', `Cannot use ${folder} for sessions: its disk is full.`);
      throw new GapscopeError('internal', `Cannot use ${folder} for sessions: ${(e as Error).message}`);
    }
  }

  /**
   * Refuses to go on with a chosen folder that is gone (removed, or its disk unmounted), rather than
   * listing it as empty or quietly making it again where its disk was: the user chooses.
   */
  mustExist(): void {
    if (this.isDefault || existsSync(this.folder)) return;
    throw new GapscopeError('not-found', `The sessions folder ${this.folder} is gone (was it removed or unmounted?): put it back, or choose a sessions folder again.`);
  }

  /** A new session's id: a folder name that sorts by date and never collides. */
  newId(at: number): string {
    const base = new Date(at).toISOString().slice(0, 19).replace(/:/g, '-');
    let id = base;
    for (let n = 2; existsSync(this.dir(id)); n++) id = `${base}-${n}`;
    return id;
  }

  /** The folder of a session. */
  dir(id: string): string {
    return join(this.folder, id);
  }

  /** Makes a new session's folder with its marker; throws EEXIST when the folder exists. */
  create(id: string): void {
    const dir = this.dir(id);
    mkdirSync(dir);
    try {
      writeFileSync(join(dir, MARKER_FILE), JSON.stringify({ format: 'gapscope-session-folder', id }), { flag: 'wx' });
    } catch (e) {
      rmSync(join(dir, MARKER_FILE), { force: true });
      rmdirSync(dir);
      throw e;
    }
  }

  /** Whether Gapscope made this session's folder (its marker names it). */
  madeByGapscope(id: string): boolean {
    try {
      const m = JSON.parse(readFileSync(join(this.dir(id), MARKER_FILE), 'utf8')) as { format?: unknown; id?: unknown };
      return m.format === 'gapscope-session-folder' && m.id === id;
    } catch {
      return false;
    }
  }

  /** Reads one session; not-found when it does not exist, refused when its record is not this folder's. */
  read(id: string): SessionRecord {
    const kept = this.unsaved.get(id);
    if (kept && existsSync(this.dir(id))) return kept;
    const r = readSessionRecord(join(this.dir(id), SESSION_FILE));
    if (!r) throw new GapscopeError('not-found', `No session ${id} in the sessions folder.`);
    if (r.id !== id) throw new GapscopeError('invalid-argument', `The session.json in folder ${id} belongs to session "${String(r.id).slice(0, 60)}", not to this folder; Gapscope leaves it alone.`);
    if (basename(r.capture) !== r.capture) throw new GapscopeError('invalid-argument', `The session.json in folder ${id} names a capture outside its folder; Gapscope leaves it alone.`);
    return r;
  }

  /** Writes the record of the session in folder `id` atomically (the record must be that folder's). */
  write(id: string, r: SessionRecord, doing = 'save the session'): void {
    if (r.id !== id) throw new GapscopeError('invalid-argument', `The record of session "${r.id.slice(0, 60)}" cannot be written into folder ${id}.`);
    r.savedAt = Date.now();
    const path = join(this.dir(id), SESSION_FILE);
    try {
      writeFileAtomic(path, JSON.stringify(r));
      this.unsaved.delete(id);
    } catch (e) {
      throw fileErrorSentence(e, path, doing);
    }
  }

  /**
   * Every session, newest first. A session left "recording" by a process that is gone is marked
   * interrupted: its capture is trimmed to whole blocks and its packets counted in the file.
   */
  list(active: ReadonlySet<string>): SessionSummary[] {
    if (!existsSync(this.folder) && this.isDefault) return []; // made by the first recording
    this.mustExist();
    let names: string[];
    try {
      names = readdirSync(this.folder);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') this.mustExist();
      throw fileErrorSentence(e, this.folder, 'list the sessions');
    }
    const out: SessionSummary[] = [];
    for (const name of names) {
      let r = readSessionRecord(join(this.folder, name, SESSION_FILE));
      const kept = this.unsaved.get(name);
      if (kept) {
        r = kept;
        try {
          this.write(name, kept);
        } catch {
          // Still refused: listed from memory.
        }
      }
      if (!r || r.id !== name) continue;
      if (r.status === 'recording' && !active.has(r.id) && !ownerAlive(r.owner, false)) this.markInterrupted(r);
      out.push(summarize(r, this.captureBytes(r)));
    }
    return out.sort((a, b) => b.created - a.created);
  }

  /** Marks a session whose recorder died as interrupted, repairing and recounting its capture. */
  markInterrupted(r: SessionRecord): void {
    const capture = join(this.dir(r.id), CAPTURE_FILE);
    r.status = 'interrupted';
    r.owner = null;
    try {
      const scan = scanWhole(capture);
      for (const s of r.streams) s.packets = scan.packetsByInterface[s.interfaceId] ?? 0;
      if (r.extras) recountExtras(r.extras, scan.packetsByInterface);
      r.ended = Math.round(statSync(capture).mtimeMs);
      r.error = { code: 'internal', message: `The recording was cut short (the app was closed or killed); the capture holds ${scan.packets} packets up to its last flush${scan.damage ? ` (${scan.damage}, trimmed)` : ''}.` };
    } catch (e) {
      r.error = { code: 'not-found', message: `The recording was cut short and its capture cannot be read: ${(e as Error).message}` };
    }
    try {
      this.write(r.id, r);
    } catch {
      // A read-only library: this process lists, reads, opens and saves it as interrupted all the same.
      this.remember(r);
    }
  }

  /** Size of a session's capture, bytes (0 when missing). */
  captureBytes(r: SessionRecord): number {
    try {
      return statSync(this.capturePath(r)).size;
    } catch {
      return 0;
    }
  }

  /** Where a session's capture is. */
  capturePath(r: SessionRecord): string {
    return join(this.dir(r.id), r.capture);
  }

  /**
   * Deletes what Gapscope made in a session's folder (the capture, session.json, the marker and its
   * own temporary files) and the folder when nothing else is left; anything else stays and is named.
   */
  remove(id: string): SessionDeletion {
    const dir = this.dir(id);
    const r = this.read(id);
    if (!this.madeByGapscope(id)) throw new GapscopeError('invalid-argument', `Folder ${id} was not made by Gapscope (it has no ${MARKER_FILE} marker), so Gapscope deletes nothing in it; delete it yourself if you are sure.`);
    const ours = new Set([r.capture, SESSION_FILE, MARKER_FILE]);
    const removed: string[] = [];
    const kept: string[] = [];
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const own = ours.has(name) || /^session\.json\.\d+\.tmp$/.test(name);
      if (!own || !lstatSync(path).isFile()) {
        kept.push(name);
        continue;
      }
      if (name === MARKER_FILE) continue; // last, so a deletion cut short can be finished
      unlinkSync(path);
      removed.push(name);
    }
    if (kept.length === 0) {
      rmSync(join(dir, MARKER_FILE), { force: true });
      rmdirSync(dir);
    }
    return { id, removed, kept };
  }
}

/** Where the sessions folder setting is kept in the data folder. */
export function folderSettingPath(dataDir: string): string {
  return join(dataDir, 'sessions-folder.json');
}

/** The sessions folder the user chose, or null (then the data folder's sessions/). */
export function readFolderSetting(dataDir: string): string | null {
  const path = folderSettingPath(dataDir);
  try {
    if (!existsSync(path)) return null;
    const v = JSON.parse(readFileSync(path, 'utf8')) as { folder?: unknown };
    return typeof v.folder === 'string' && v.folder ? v.folder : null;
  } catch {
    return null;
  }
}

/** Keeps the chosen sessions folder for the next launches. */
export function saveFolderSetting(dataDir: string, folder: string): void {
  // A first run may not have its data folder yet.
  mkdirSync(dataDir, { recursive: true });
  writeFileAtomic(folderSettingPath(dataDir), JSON.stringify({ folder }));
}
