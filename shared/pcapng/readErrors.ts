/** How reading a capture file goes wrong: one clear error that names the place, or counted warnings. */
import { GapscopeError } from '../errors';

/**
 * A capture file that cannot be read on: what is wrong and at which byte offset. Reported to the
 * user as is; it is a GapscopeError so that every layer above shows its sentence, never a stack.
 */
export class CaptureFormatError extends GapscopeError {
  constructor(
    message: string,
    /** Byte offset in the (uncompressed) file of the block or record that is wrong, or null. */
    readonly offset: number | null,
  ) {
    super('invalid-argument', offset === null ? message : `${message} (at byte offset ${offset})`);
    this.name = 'CaptureFormatError';
  }
}

/** One kind of problem seen while reading, how often, and where first. */
export interface CaptureWarning {
  kind: string;
  count: number;
  /** Byte offset of the first occurrence, when it is about a place in the file. */
  firstOffset: number | null;
  /** A sentence about the first occurrence. */
  message: string;
}

/**
 * Problems that do not stop the reading (a packet the snap length cut, a fragment that never found
 * its datagram...) counted by kind, so that a million bad packets cost one entry, not a million.
 */
export class CaptureWarnings {
  private readonly byKind = new Map<string, CaptureWarning>();

  /** Counts one occurrence of `kind`; the message and offset of the first one are kept. */
  add(kind: string, message: string, offset: number | null = null, count = 1): void {
    const w = this.byKind.get(kind);
    if (w) w.count += count;
    else this.byKind.set(kind, { kind, count, firstOffset: offset, message });
  }

  /** How many times `kind` happened. */
  count(kind: string): number {
    return this.byKind.get(kind)?.count ?? 0;
  }

  /** All kinds seen, in the order they first happened. */
  list(): CaptureWarning[] {
    return [...this.byKind.values()].map((w) => ({ ...w }));
  }
}
