/**
 * Downloads of a session's capture: the whole pcapng as recorded, or a time range of it copied by
 * PcapngRangeWriter. Shared by the web mode's GET route (and any other transport that serves files),
 * so the checks at the door and the way the file is found live in one place.
 */
import { constants, copyFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { GapscopeService } from '../../shared/contract';
import { sessionId, type SessionRecord } from '../../shared/contract/sessions';
import { GapscopeError } from '../../shared/errors';
import type { CaptureRange } from '../../shared/export/pcapngRange';
import { explainSaveError, placeNewFile, refuseExisting, saveCaptureRange } from '../capture/captureRange';
import { scanCapture } from './sessionLibrary';

/** What finding a session's capture needs of the back end: the whole service, or the sessions service's own handlers. */
export type SessionFinder = Pick<GapscopeService, 'getSession' | 'getSessionFolder'>;

/** The longest range end accepted, seconds (a year: anything longer is a typo, not a session). */
export const MAX_RANGE_SECONDS = 366 * 24 * 3600;

/** What a download asks for: a session and, optionally, a range in seconds since its first packet. */
export interface CaptureDownloadRequest {
  id: string;
  range: CaptureRange | null;
}

/** A session's capture, found and checked, ready to be sent. */
export interface SessionCaptureFile {
  record: SessionRecord;
  path: string;
  /** The bytes to send: the file's whole blocks (a capture cut short on a read-only disk keeps its torn end, which is not sent). */
  bytes: number;
  /** The file name offered to the browser (only [A-Za-z0-9._-]). */
  downloadName: string;
}

/**
 * Checks a download's id and from/to (seconds, decimal, from ≤ to) at the door; throws one
 * invalid-argument sentence for anything else.
 */
export function parseCaptureDownload(id: string, from: string | null, to: string | null): CaptureDownloadRequest {
  const okId = sessionId.safeParse(id);
  if (!okId.success) throw new GapscopeError('invalid-argument', `"${id.slice(0, 60)}" is not a session id.`);
  if (from === null && to === null) return { id, range: null };
  const seconds = (name: string, v: string | null, fallback: number): number => {
    if (v === null) return fallback;
    if (!/^\d{1,9}(\.\d{1,9})?$/.test(v)) throw new GapscopeError('invalid-argument', `${name} must be a number of seconds since the session's first packet (e.g. 2.5), not "${v.slice(0, 30)}".`);
    const n = Number(v);
    if (n > MAX_RANGE_SECONDS) throw new GapscopeError('invalid-argument', `${name} must be at most ${MAX_RANGE_SECONDS} seconds.`);
    return n;
  };
  const fromS = seconds('from', from, 0);
  const toS = seconds('to', to, MAX_RANGE_SECONDS);
  if (fromS > toS) throw new GapscopeError('invalid-argument', `from (${fromS} s) must not be after to (${toS} s).`);
  return { id, range: { fromMs: fromS * 1000, toMs: toS * 1000 } };
}

/** Finds a library session's capture through the contract (the same library the UI lists). */
export async function findSessionCapture(service: SessionFinder, req: CaptureDownloadRequest): Promise<SessionCaptureFile> {
  const record = await service.getSession(req.id);
  if (record.status === 'recording') throw new GapscopeError('invalid-argument', `"${record.name}" is still being recorded; stop the recording, then download it.`);
  // session.json names its capture beside it; a name with a folder in it is not ours to serve.
  if (!record.capture || basename(record.capture) !== record.capture) throw new GapscopeError('not-found', `Session ${req.id} has no capture in its folder.`);
  const folder = await service.getSessionFolder();
  const path = join(folder, req.id, record.capture);
  let bytes: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a file');
    bytes = st.size;
  } catch {
    throw new GapscopeError('not-found', `The capture of session ${req.id} is missing from ${folder}.`);
  }
  // A complete session's capture is whole; one cut short is trimmed when listed, unless its disk is read-only.
  if (record.status !== 'complete') {
    try {
      bytes = Math.min(bytes, scanCapture(path, false).wholeBytes);
    } catch (e) {
      throw new GapscopeError('not-found', `The capture of session ${req.id} cannot be read (${(e as Error).message}).`);
    }
  }
  const r = req.range;
  const part = r ? `-${trimSeconds(r.fromMs)}s-${r.toMs >= MAX_RANGE_SECONDS * 1000 ? 'end' : `${trimSeconds(r.toMs)}s`}` : '';
  return { record, path, bytes, downloadName: `gapscope-${req.id}${part}.pcapng`.replace(/[^A-Za-z0-9._-]/g, '_') };
}

function trimSeconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}

/**
 * Saves a session's capture, whole or a time range, to a .pcapng file on this machine: what the
 * desktop window (which has no web server) and the CLI need. Written beside the target first, then
 * put in place, so a failure never leaves half a file under the chosen name; an existing file is
 * never replaced unless `overwrite` says so (and never when it is not a plain file).
 */
export async function saveSessionCapture(service: SessionFinder, req: CaptureDownloadRequest, file: string, overwrite = false): Promise<{ file: string; bytes: number; packets: number | null }> {
  if (!isAbsolute(file) || !/\.pcapng$/i.test(file)) throw new GapscopeError('invalid-argument', `${file} must be an absolute path ending in .pcapng.`);
  const found = await findSessionCapture(service, req);
  if (resolve(file) === resolve(found.path)) throw new GapscopeError('invalid-argument', `${file} is the session's own capture; choose another file.`);
  refuseExisting(file, overwrite);
  const tmp = `${file}.${process.pid}.part.pcapng`;
  try {
    let packets: number | null = null;
    if (req.range) {
      const r = found.record;
      packets = (await saveCaptureRange(found.path, tmp, req.range, r.app || 'Gapscope', `${r.name}: ${req.range.fromMs / 1000} s to ${req.range.toMs / 1000} s after its first packet (session ${r.id})`)).packets;
    } else {
      copyFileSync(found.path, tmp, constants.COPYFILE_EXCL);
      if (statSync(tmp).size > found.bytes) truncateSync(tmp, found.bytes);
    }
    placeNewFile(tmp, file, overwrite);
    return { file, bytes: statSync(file).size, packets };
  } catch (e) {
    rmSync(tmp, { force: true });
    // The sentence names the file the user chose, not the temporary one beside it.
    if (e instanceof GapscopeError) throw new GapscopeError(e.code, e.message.split(tmp).join(file));
    throw explainSaveError(e, file);
  }
}
