/** The bytes pushed to a streaming reader and not yet parsed, without copying chunks more than needed. */

const EMPTY = new Uint8Array(0);

/** A FIFO of byte chunks: look at the first n bytes as one array, then drop them. */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0;
  private total = 0;

  /** Where the first waiting byte sits in the array `hold` returns. */
  get start(): number {
    return this.head;
  }

  /** Bytes waiting. */
  get length(): number {
    return this.total;
  }

  /** Appends a chunk (kept by reference, not copied). */
  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.byteLength;
  }

  /** The first n bytes (n ≤ length) as one array: a view when they sit in one chunk, a copy otherwise. */
  view(n: number): Uint8Array {
    const held = this.hold(n);
    return held.subarray(this.head, this.head + n);
  }

  /**
   * The array whose bytes from `start` on are the first n bytes (n ≤ length), without making a view
   * of them: a reader parsing a packet per few hundred bytes reads its header fields in place, and
   * a new typed array per field costs more than the parsing.
   */
  hold(n: number): Uint8Array {
    if (n > this.total) throw new RangeError(`ByteQueue.view(${n}) with ${this.total} bytes waiting`);
    const first = this.chunks[0];
    if (!first) return EMPTY;
    if (first.byteLength - this.head >= n) return first;
    // Spans chunks: join them into one, so later views of the same bytes are cheap.
    const joined = new Uint8Array(n);
    let filled = 0;
    let i = 0;
    let from = this.head;
    while (filled < n) {
      const c = this.chunks[i]!;
      const take = Math.min(c.byteLength - from, n - filled);
      joined.set(c.subarray(from, from + take), filled);
      filled += take;
      from += take;
      if (from === c.byteLength) {
        i++;
        from = 0;
      }
    }
    // Replace the chunks consumed by the joined bytes, then the rest of the last one touched.
    const rest: Uint8Array[] = [joined];
    if (i < this.chunks.length) {
      rest.push(this.chunks[i]!.subarray(from));
      i++;
    }
    this.chunks = rest.concat(this.chunks.slice(i));
    this.head = 0;
    return joined;
  }

  /**
   * Copies the waiting bytes that still lie in `chunk`'s memory, so that its owner may reuse it (a
   * file is read into the same two buffers over and over). Only the tail of the latest chunk is
   * ever copied: less than one block per chunk.
   */
  release(chunk: Uint8Array): void {
    for (let i = this.chunks.length - 1; i >= 0; i--) {
      const c = this.chunks[i]!;
      if (c.buffer !== chunk.buffer) break;
      const from = i === 0 ? this.head : 0;
      this.chunks[i] = c.slice(from);
      if (i === 0) this.head = 0;
    }
  }

  /** Drops the first n bytes (n ≤ length). */
  skip(n: number): void {
    if (n > this.total) throw new RangeError(`ByteQueue.skip(${n}) with ${this.total} bytes waiting`);
    this.total -= n;
    const front = this.chunks[0];
    // Within the first chunk, the common case: no loop, no shift.
    if (front !== undefined && this.head + n < front.byteLength) {
      this.head += n;
      return;
    }
    while (n > 0) {
      const first = this.chunks[0]!;
      const left = first.byteLength - this.head;
      if (n < left) {
        this.head += n;
        return;
      }
      n -= left;
      this.chunks.shift();
      this.head = 0;
    }
    if (this.chunks.length > 0 && this.chunks[0]!.byteLength === this.head) {
      this.chunks.shift();
      this.head = 0;
    }
  }
}
