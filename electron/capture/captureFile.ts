/**
 * Opening a capture file for offline analysis: reads it in chunks (never whole), gunzips it on the
 * fly when it starts with the gzip magic, and reports progress as bytes of the file read.
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip, type Gunzip } from 'node:zlib';
import { GapscopeError } from '../../shared/errors';
import { CaptureFormatError } from '../../shared/pcapng/readErrors';
import type { CaptureReader } from '../../shared/pcapng/read';

/** How far reading has come: bytes of the file on disk (compressed when gzip) out of its size. */
export interface CaptureProgress {
  bytesRead: number;
  totalBytes: number;
  /** Uncompressed bytes parsed so far. */
  bytesParsed: number;
  packets: number;
}

/** Reading options. */
export interface ReadCaptureOptions {
  /** Called at most every `progressEveryMs` and once at the end. */
  onProgress?: (p: CaptureProgress) => void;
  progressEveryMs?: number;
  /** Read size; 1 MiB by default. */
  chunkBytes?: number;
  /** Stops reading when aborted (the promise rejects with a GapscopeError). */
  signal?: AbortSignal;
}

/** What was read. */
export interface ReadCaptureResult {
  compressed: boolean;
  totalBytes: number;
}

/** Largest gunzipped size accepted, so that a "zip bomb" cannot fill the disk or the time: 64 GiB. */
const MAX_UNCOMPRESSED_BYTES = 64 * 1024 ** 3;

/** Streams the file at `path` into `reader` (pcap or pcapng, plain or gzip) and ends it. Throws GapscopeError only. */
export async function readCaptureFile(path: string, reader: CaptureReader, options: ReadCaptureOptions = {}): Promise<ReadCaptureResult> {
  const totalBytes = await fileSize(path);
  const compressed = await isGzip(path);
  const chunkBytes = options.chunkBytes ?? 1024 * 1024;
  const every = options.progressEveryMs ?? 200;
  let bytesRead = 0;
  let file: ReadStream | null = null;
  let gunzip: Gunzip | null = null;
  let source: AsyncIterable<Uint8Array>;
  if (compressed) {
    file = createReadStream(path, { highWaterMark: chunkBytes });
    file.on('data', (c: Buffer | string) => {
      bytesRead += c.length;
    });
    gunzip = createGunzip({ chunkSize: 256 * 1024 });
    source = file.pipe(gunzip);
  } else {
    source = readAhead(path, chunkBytes, (n) => {
      bytesRead += n;
    });
  }
  let lastReport = 0;
  let inflated = 0;
  const progress = (): CaptureProgress => ({ bytesRead, totalBytes, bytesParsed: reader.bytesRead, packets: reader.packetCount });
  let first = true;
  try {
    for await (const chunk of source) {
      if (first) {
        first = false;
        // A file that is not a capture at all is not quoted back, not even its first bytes (see checkCaptureFile).
        if (!hasCaptureMagic(chunk)) throw new GapscopeError('invalid-argument', `${path} is not a pcap or pcapng capture${compressed ? ' (it is gzip-compressed, but what it holds is not one)' : ''}: Gapscope reads Wireshark's .pcapng and tcpdump's .pcap, gzip-compressed or not.`, 'path');
      }
      if (options.signal?.aborted) throw new GapscopeError('invalid-argument', 'Reading the capture was cancelled.');
      inflated += chunk.byteLength;
      if (inflated > MAX_UNCOMPRESSED_BYTES) throw new CaptureFormatError(`The file decompresses to more than ${MAX_UNCOMPRESSED_BYTES / 1024 ** 3} GiB; refusing it.`, null);
      reader.push(chunk);
      const now = Date.now();
      if (options.onProgress && now - lastReport >= every) {
        lastReport = now;
        options.onProgress(progress());
      }
    }
    reader.end();
  } catch (e) {
    if (e instanceof GapscopeError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'Z_DATA_ERROR' || err.code === 'Z_BUF_ERROR') {
      throw new CaptureFormatError(`The gzip data is damaged after ${reader.bytesRead} uncompressed bytes: ${err.message}.`, null);
    }
    throw fileError(path, err);
  } finally {
    file?.destroy();
    gunzip?.destroy();
  }
  options.onProgress?.(progress());
  return { compressed, totalBytes };
}

/**
 * The file's bytes in chunks of `chunkBytes`, read into two buffers in turn: the next chunk is read
 * while the reader parses this one, and no new memory is taken per chunk (a fresh 1 MiB buffer per
 * chunk cost the kernel a page fault and a zeroed page per 4 KiB, as much as the parsing). Each
 * chunk is valid until the next is asked for; the CaptureReader keeps none once its push returns.
 */
async function* readAhead(path: string, chunkBytes: number, onRead: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  const handle = await open(path, 'r');
  let pending: Promise<{ bytesRead: number }> | null = null;
  try {
    const buffers = [new Uint8Array(chunkBytes), new Uint8Array(chunkBytes)];
    let position = 0;
    let turn = 0;
    pending = handle.read(buffers[0]!, 0, chunkBytes, position);
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) return;
      const chunk = buffers[turn]!;
      position += bytesRead;
      onRead(bytesRead);
      turn = 1 - turn;
      pending = handle.read(buffers[turn]!, 0, chunkBytes, position);
      yield bytesRead === chunkBytes ? chunk : chunk.subarray(0, bytesRead);
    }
  } finally {
    // Stopped early (an error, a cancel): the read in flight finishes before its file is closed.
    await pending?.catch(() => undefined);
    await handle.close();
  }
}

/** pcapng's Section Header Block type, and the four byte orders and resolutions of pcap's magic. */
const CAPTURE_MAGICS = [0x0a0d0d0a, 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1];

function hasCaptureMagic(head: Uint8Array): boolean {
  return head.byteLength >= 4 && CAPTURE_MAGICS.includes(((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0);
}

async function fileSize(path: string): Promise<number> {
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new GapscopeError('invalid-argument', `${path} is a folder, not a capture file.`);
    return s.size;
  } catch (e) {
    if (e instanceof GapscopeError) throw e;
    throw fileError(path, e as NodeJS.ErrnoException);
  }
}

async function isGzip(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } catch (e) {
    throw fileError(path, e as NodeJS.ErrnoException);
  } finally {
    await handle?.close();
  }
}

function fileError(path: string, e: NodeJS.ErrnoException): GapscopeError {
  switch (e.code) {
    case 'ENOENT':
      return new GapscopeError('not-found', `No such file: ${path}.`);
    case 'EACCES':
    case 'EPERM':
      return new GapscopeError('permission-denied', `No permission to read ${path}.`);
    case 'EISDIR':
      return new GapscopeError('invalid-argument', `${path} is a folder, not a capture file.`);
    default:
      return new GapscopeError('internal', `Could not read ${path}: ${e.message}`);
  }
}
