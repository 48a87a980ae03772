/**
 * The file side of a stream's recording, run in the receiver worker: writes the PacketRecorder's
 * chunks with asynchronous fs.write (the libuv thread pool), one write at a time, so the packet path
 * never waits on the disk. A write error (full disk, permissions, a removed drive) stops the
 * recording with a sentence a person understands; what was written stays.
 */
import { close, closeSync, openSync, write } from 'node:fs';
import type { ErrorInfo } from '../../shared/contract';
import { PacketRecorder, type PacketRecorderOptions, type RecorderCounts } from '../../shared/pcapng/writeStream';

/** Turns a file system error into the message the stream and the session show. */
export function explainWriteError(err: unknown, path: string): ErrorInfo {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return { code: 'disk-full', message: `Recording stopped: the disk holding ${path} is full. What was recorded so far is kept.` };
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return { code: 'permission-denied', message: `Recording stopped: no permission to write ${path}${code === 'EROFS' ? ' (read-only file system)' : ''}. Choose another sessions folder.` };
    case 'ENOENT':
      return { code: 'not-found', message: `Recording stopped: the folder of ${path} does not exist (was it removed or unmounted?).` };
    case 'EIO':
      return { code: 'internal', message: `Recording stopped: the disk reported an I/O error writing ${path}. What was recorded so far is kept.` };
    default:
      return { code: 'internal', message: `Recording stopped: writing ${path} failed (${err instanceof Error ? err.message : String(err)}).` };
  }
}

/** A stream's recording in progress: feed packets to `recorder`, call tick() every second. */
export class RecordingFile {
  readonly recorder: PacketRecorder;
  private readonly fd: number;
  private writing = false;
  private failed: ErrorInfo | null = null;
  private closed = false;
  private idle: (() => void)[] = [];
  /** Bytes the disk has accepted. */
  bytesWritten = 0;
  /** Packets whose blocks the disk has accepted. */
  packetsWritten = 0;

  /** Opens the file for appending (the section and interface headers are already there); throws ErrorInfo-bearing errors. */
  constructor(
    private readonly path: string,
    options: PacketRecorderOptions,
    private readonly onFailure: (e: ErrorInfo) => void,
  ) {
    this.recorder = new PacketRecorder(options);
    try {
      this.fd = openSync(path, 'a');
    } catch (e) {
      throw Object.assign(new Error(explainWriteError(e, path).message), { info: explainWriteError(e, path) });
    }
  }

  /** The error that stopped the recording, if any. */
  get error(): ErrorInfo | null {
    return this.failed;
  }

  /** Counters for progress reports. */
  counts(): RecorderCounts & { written: number; bytesWritten: number } {
    return { ...this.recorder.counts, written: this.packetsWritten, bytesWritten: this.bytesWritten };
  }

  /** Called after packets: starts a write when chunks are waiting and none is under way. */
  pump(): void {
    if (this.writing || this.failed || !this.recorder.hasReady) return;
    const chunks = this.recorder.takeReady();
    // takeReady hands over every encoded block: once written, the disk holds this many packets.
    const packetsNow = this.recorder.counts.packets;
    this.writing = true;
    this.writeAll(chunks, 0, 0, packetsNow);
  }

  /** The once-a-second flush: everything encoded goes to the disk. */
  tick(nowAtMs: number): void {
    this.recorder.flush(nowAtMs);
    this.pump();
  }

  /** Writes what remains and closes the file; resolves when the disk has it (or the recording failed). */
  async close(nowAtMs: number): Promise<void> {
    if (this.closed) return;
    if (!this.failed) {
      this.recorder.flush(nowAtMs, true);
      this.pump();
    }
    while (this.writing) await new Promise<void>((r) => this.idle.push(r));
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch {
      // Already closed after a failure.
    }
  }

  private writeAll(chunks: Uint8Array[], index: number, offset: number, packetsAfter: number): void {
    const chunk = chunks[index];
    if (!chunk) {
      this.packetsWritten = packetsAfter;
      this.writing = false;
      for (const r of this.idle.splice(0)) r();
      // More may have become ready meanwhile.
      if (!this.closed) this.pump();
      return;
    }
    write(this.fd, chunk, offset, chunk.length - offset, null, (err, n) => {
      if (err) {
        this.fail(err);
        return;
      }
      this.bytesWritten += n;
      if (offset + n < chunk.length) return this.writeAll(chunks, index, offset + n, packetsAfter);
      this.recorder.release(chunk);
      this.writeAll(chunks, index + 1, 0, packetsAfter);
    });
  }

  private fail(err: unknown): void {
    this.failed = explainWriteError(err, this.path);
    this.writing = false;
    close(this.fd, () => {});
    this.closed = true;
    for (const r of this.idle.splice(0)) r();
    this.onFailure(this.failed);
  }
}
