/**
 * The session library on disk: a folder per session (capture.pcapng + session.json), JSON written
 * atomically (temporary file, then rename) so a crash leaves either the old or the new version, and
 * the scan that finds sessions a killed process left "recording" and marks them interrupted.
 */
import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { SessionExtrasInfo, SessionRecord, SessionSummary } from '../../shared/contract/sessions';
import { GapscopeError } from '../../shared/errors';
import { BlockScanner, type BlockScan } from '../../shared/pcapng/writeRecovery';

/** The files of a session folder. */
export const CAPTURE_FILE = 'capture.pcapng';
export const SESSION_FILE = 'session.json';

/** Writes a file so that readers see the old or the new content, never half of it. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
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
  constructor(public folder: string) {}

  /** Creates the folder if needed and proves it can be written to. */
  static check(folder: string): void {
    try {
      mkdirSync(folder, { recursive: true });
      const probe = join(folder, `.gapscope-write-test-${process.pid}`);
      writeFileSync(probe, 'ok');
      unlinkSync(probe);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new GapscopeError('permission-denied', `Cannot write to ${folder}: permission denied.`);
      if (code === 'ENOTDIR' || code === 'EEXIST') throw new GapscopeError('invalid-argument', `${folder} is not a folder.`);
      throw new GapscopeError('internal', `Cannot use ${folder} for sessions: ${(e as Error).message}`);
    }
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

  /** Reads one session; not-found when it does not exist. */
  read(id: string): SessionRecord {
    const r = readSessionRecord(join(this.dir(id), SESSION_FILE));
    if (!r) throw new GapscopeError('not-found', `No session ${id} in ${this.folder}.`);
    return r;
  }

  /** Writes a session's record atomically. */
  write(r: SessionRecord): void {
    r.savedAt = Date.now();
    writeFileAtomic(join(this.dir(r.id), SESSION_FILE), JSON.stringify(r));
  }

  /**
   * Every session, newest first. A session left "recording" by a process that is gone is marked
   * interrupted: its capture is trimmed to whole blocks and its packets counted in the file.
   */
  list(active: ReadonlySet<string>): SessionSummary[] {
    if (!existsSync(this.folder)) return [];
    const out: SessionSummary[] = [];
    for (const name of readdirSync(this.folder)) {
      const r = readSessionRecord(join(this.folder, name, SESSION_FILE));
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
      const scan = scanCapture(capture, true);
      for (const s of r.streams) s.packets = scan.packetsByInterface[s.interfaceId] ?? 0;
      if (r.extras) recountExtras(r.extras, scan.packetsByInterface);
      r.ended = Math.round(statSync(capture).mtimeMs);
      r.error = { code: 'internal', message: `The recording was cut short (the app was closed or killed); the capture holds ${scan.packets} packets up to its last flush${scan.damage ? ` (${scan.damage}, trimmed)` : ''}.` };
    } catch (e) {
      r.error = { code: 'not-found', message: `The recording was cut short and its capture cannot be read: ${(e as Error).message}` };
    }
    try {
      this.write(r);
    } catch {
      // A read-only library still lists it as interrupted.
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

  /** Deletes a session's folder. */
  remove(id: string): void {
    const dir = this.dir(id);
    if (!existsSync(join(dir, SESSION_FILE))) throw new GapscopeError('not-found', `No session ${id} in ${this.folder}.`);
    rmSync(dir, { recursive: true, force: true });
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
