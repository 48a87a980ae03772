/**
 * A time range of a capture file on disk as a new pcapng file on disk: the CLI's `export --format
 * pcapng` and the session download share it. Streams in and out (never the whole file in memory);
 * a failed write removes the partial output.
 */
import { createWriteStream } from 'node:fs';
import { realpath, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { GapscopeError } from '../../shared/errors';
import { PcapngRangeWriter, type CaptureRange } from '../../shared/export/pcapngRange';
import { CaptureReader } from '../../shared/pcapng/read';
import { appVersion } from '../app/version';
import { readCaptureFile, type ReadCaptureOptions } from './captureFile';

/** What a range export copied. */
export interface RangeExportResult {
  /** Packets in the input, and copied. */
  seen: number;
  packets: number;
  bytesWritten: number;
}

/** Copies the packets of `input` between `range.fromMs` and `range.toMs` (ms since its first packet) into a new pcapng `output`. */
export async function exportCaptureRange(input: string, output: string, range: CaptureRange, options: Pick<ReadCaptureOptions, 'onProgress' | 'signal'> = {}): Promise<RangeExportResult> {
  if (!(range.fromMs >= 0) || !(range.toMs >= range.fromMs)) {
    throw new GapscopeError('invalid-argument', `The range must start at 0 s or later and end after it starts (got ${range.fromMs / 1000} s to ${range.toMs / 1000} s).`);
  }
  if ((await realpath(input).catch(() => resolve(input))) === (await realpath(output).catch(() => resolve(output)))) {
    throw new GapscopeError('invalid-argument', `The output ${output} is the input file; choose another name.`);
  }
  const out = createWriteStream(output);
  let writeError: Error | null = null;
  out.on('error', (e) => (writeError ??= e));
  let bytesWritten = 0;
  const comment = `Packets from ${range.fromMs / 1000} s to ${Number.isFinite(range.toMs) ? `${range.toMs / 1000} s` : 'the end'} after the first packet of ${input}`;
  const writer = new PcapngRangeWriter(range, (b) => {
    bytesWritten += b.byteLength;
    out.write(b);
  }, `Gapscope ${appVersion()}`, comment);
  try {
    await readCaptureFile(input, new CaptureReader((r) => writer.onRecord(r)), options);
    await new Promise<void>((resolve, reject) => {
      out.end((e?: Error | null) => (e ? reject(e) : resolve()));
    });
    if (writeError) throw writeError;
  } catch (e) {
    out.destroy();
    const err = (writeError ?? e) as NodeJS.ErrnoException;
    await rm(output, { force: true });
    if (e instanceof GapscopeError && !writeError) throw e;
    throw new GapscopeError(err.code === 'EACCES' || err.code === 'EPERM' ? 'permission-denied' : 'internal', `Cannot write ${output}: ${err.message}.`);
  }
  return { seen: writer.seen, packets: writer.packets, bytesWritten };
}
