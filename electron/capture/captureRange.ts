/**
 * A time range of a capture file as a new pcapng, streamed: to any sink with backpressure (the web
 * mode's download) or to a file on this machine (the CLI's `export --format pcapng`, a session
 * saved from the desktop window). One implementation, so every copy is bounded in memory, reads
 * gzip too, and never leaves half a file under the chosen name.
 */
import { createReadStream, createWriteStream, linkSync, lstatSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { GapscopeError } from '../../shared/errors';
import { PcapngRangeWriter, type CaptureRange } from '../../shared/export/pcapngRange';
import { CaptureReader } from '../../shared/pcapng/read';

/** Where the bytes go: a response or any stream with backpressure. */
export interface ByteSink {
  write(bytes: Uint8Array): boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
  readonly destroyed: boolean;
}

/** What a range copy copied: packets in the input, and in the range. */
export interface RangeCopy {
  seen: number;
  packets: number;
}

async function startsWithGzip(path: string): Promise<boolean> {
  for await (const head of createReadStream(path, { start: 0, end: 1 })) return (head as Buffer)[0] === 0x1f && (head as Buffer)[1] === 0x8b;
  return false;
}

/**
 * Copies the packets of `range` (ms since the file's first frame) of the capture at `path` (pcap
 * or pcapng, plain or gzip) to `out` as a new pcapng, reading in chunks and waiting while `out` is full.
 */
export async function writeCaptureRange(path: string, range: CaptureRange, out: ByteSink, appName: string, comment: string): Promise<RangeCopy> {
  let full = false;
  const writer = new PcapngRangeWriter(range, (b) => {
    if (!out.write(b)) full = true;
  }, appName, comment);
  const reader = new CaptureReader((r) => writer.onRecord(r));
  const file = createReadStream(path, { highWaterMark: 256 * 1024 });
  const gunzip = (await startsWithGzip(path)) ? createGunzip() : null;
  const source: AsyncIterable<Buffer> = gunzip ? file.pipe(gunzip) : file;
  try {
    for await (const chunk of source) {
      if (out.destroyed) throw new Error('the receiver went away');
      reader.push(chunk);
      if (full) {
        full = false;
        // A receiver that goes away never drains: its close ends the wait too.
        await new Promise<void>((r) => {
          const done = (): void => {
            out.off('drain', done);
            out.off('close', done);
            r();
          };
          out.once('drain', done);
          out.once('close', done);
        });
      }
    }
    if (out.destroyed) throw new Error('the receiver went away');
    reader.end();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') throw new GapscopeError('invalid-argument', `The gzip data of ${path} is damaged: ${(e as Error).message}.`);
    throw e;
  } finally {
    file.destroy();
    gunzip?.destroy();
  }
  return { seen: writer.seen, packets: writer.packets };
}

/** Why a file could not be saved, in one sentence. */
export function explainSaveError(e: unknown, file: string): GapscopeError {
  if (e instanceof GapscopeError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new GapscopeError('permission-denied', `Cannot write ${file}: permission denied.`);
  if (code === 'ENOENT' || code === 'ENOTDIR') return new GapscopeError('not-found', `Cannot write ${file}: the folder ${dirname(file)} does not exist.`);
  if (code === 'ENOSPC' || code === 'EDQUOT') return new GapscopeError('disk-full', `Cannot write ${file}: the disk is full.`);
  return new GapscopeError('internal', `Cannot write ${file}: ${(e as Error).message}`);
}

/** Refuses a target that exists and is not a plain file, or that exists at all unless `overwrite`. */
export function refuseExisting(file: string, overwrite: boolean): void {
  let st;
  try {
    st = lstatSync(file);
  } catch {
    return;
  }
  if (!st.isFile()) throw new GapscopeError('invalid-argument', `${file} exists and is not a plain file (a folder, a device or a link); choose another name.`, 'output');
  if (!overwrite) throw new GapscopeError('invalid-argument', `${file} already exists; choose another name, or ask to overwrite it.`, 'output');
}

/** Puts a finished temporary file under its name: a hard link refuses an existing file atomically; `overwrite` replaces a plain file. */
export function placeNewFile(tmp: string, file: string, overwrite: boolean): void {
  if (overwrite) {
    refuseExisting(file, true);
    renameSync(tmp, file);
    return;
  }
  try {
    linkSync(tmp, file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new GapscopeError('invalid-argument', `${file} already exists; choose another name, or ask to overwrite it.`, 'output');
    // A file system without hard links: check, then rename.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw e;
    refuseExisting(file, false);
    renameSync(tmp, file);
    return;
  }
  unlinkSync(tmp);
}

/**
 * Saves `range` of the capture at `input` to the pcapng file `output`: written beside it first and
 * put in place at the end, so a failure (damaged input, full disk) never leaves half a file under
 * that name; an existing file is never replaced unless `overwrite`.
 */
export async function saveCaptureRange(input: string, output: string, range: CaptureRange, appName: string, comment: string, options: { overwrite?: boolean } = {}): Promise<RangeCopy & { bytes: number }> {
  if (!(range.fromMs >= 0) || !(range.toMs >= range.fromMs)) {
    throw new GapscopeError('invalid-argument', `The range must start at 0 s or later and end after it starts (got ${range.fromMs / 1000} s to ${range.toMs / 1000} s).`);
  }
  if (resolve(input) === resolve(output)) throw new GapscopeError('invalid-argument', `The output ${output} is the input file; choose another name.`, 'output');
  const overwrite = options.overwrite === true;
  refuseExisting(output, overwrite);
  const tmp = `${output}.${process.pid}.part`;
  try {
    // 'wx': the temporary file is ours, never one that was there.
    const out = createWriteStream(tmp, { flags: 'wx' });
    await new Promise<void>((ok, fail) => {
      out.once('open', () => ok());
      out.once('error', fail);
    });
    const failed = new Promise<never>((_, fail) => out.once('error', fail));
    failed.catch(() => undefined); // an error after the copy ended has nobody left to tell
    const copied = await Promise.race([writeCaptureRange(input, range, out, appName, comment), failed]);
    await Promise.race([new Promise<void>((ok) => out.end(() => ok())), failed]);
    placeNewFile(tmp, output, overwrite);
    return { ...copied, bytes: statSync(output).size };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || (e as NodeJS.ErrnoException).path !== tmp) rmSync(tmp, { force: true });
    if (e instanceof GapscopeError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    // Reading the input failed (its errors name the input), not writing.
    if ((code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') && (e as NodeJS.ErrnoException).path === input) {
      throw new GapscopeError(code === 'ENOENT' ? 'not-found' : 'permission-denied', code === 'ENOENT' ? `No such file: ${input}.` : `No permission to read ${input}.`, 'path');
    }
    throw explainSaveError(e, output);
  }
}
