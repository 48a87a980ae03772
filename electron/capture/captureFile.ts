/**
 * Opening a capture file for offline analysis: reads it in chunks (never whole), gunzips it on the
 * fly when it starts with the gzip magic, and reports progress as bytes of the file read.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
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
  const file = createReadStream(path, { highWaterMark: chunkBytes });
  let bytesRead = 0;
  file.on('data', (c: Buffer | string) => {
    bytesRead += c.length;
  });
  const gunzip = compressed ? createGunzip({ chunkSize: 256 * 1024 }) : null;
  const source: AsyncIterable<Buffer> = gunzip ? file.pipe(gunzip) : file;
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
      reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
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
    file.destroy();
    gunzip?.destroy();
  }
  options.onProgress?.(progress());
  return { compressed, totalBytes };
}

/** pcapng's Section Header Block type, and the four byte orders and resolutions of pcap's magic. */
const CAPTURE_MAGICS = [0x0a0d0d0a, 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1];

function hasCaptureMagic(head: Buffer): boolean {
  return head.length >= 4 && CAPTURE_MAGICS.includes(head.readUInt32BE(0));
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
