/**
 * What web mode does with a client that sends too much or reads too little: a message rate it may
 * not exceed, and per-client backpressure on what the server pushes. Pure (no sockets, no clock of
 * its own), so the policy is unit-tested; apiSocket.ts applies it to each WebSocket.
 */

/** How many messages a client may send: `perSecond` sustained, `burst` at once. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** A token bucket: each message takes one token; tokens come back at `perSecond`, up to `burst`. */
export class MessageRate {
  private tokens: number;
  private at: number;

  constructor(
    private readonly limit: RateLimit,
    nowMs: number,
  ) {
    this.tokens = limit.burst;
    this.at = nowMs;
  }

  /** Takes a token for one message; false when the client is over its rate. */
  take(nowMs: number): boolean {
    this.tokens = Math.min(this.limit.burst, this.tokens + ((nowMs - this.at) / 1000) * this.limit.perSecond);
    this.at = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * How much a client may leave unread. "Unread" counts every byte sent to the client since the last
 * ping it answered: a WebSocket pong comes back only once the client has read all that was sent
 * before the ping, so this covers what sits in the kernel's socket buffers too (megabytes per
 * socket, which bufferedAmount never sees).
 */
export interface BackpressureLimits {
  /** Above this, the client's stream updates are held back (coalesced: it reloads the latest state later). */
  coalesceAboveBytes: number;
  /** Once unread is back under this, the client is told which streams it skipped. */
  resumeBelowBytes: number;
  /** Above this the client is dropped (replies and events pile up unread). */
  dropAboveBytes: number;
  /** A ping goes out once this much has been sent since the last one (and none is outstanding). */
  pingEveryBytes: number;
  /** A ping unanswered this long drops the client: it has read nothing for that long. */
  pongTimeoutMs: number;
}

/** What to do with one message for one client. */
export type Delivery = 'send' | 'skip' | 'drop';

/**
 * One client's backpressure state. A stream update is a delta on the previous one, so once one is
 * skipped every later one of that stream is useless to the client until it reloads the stream's
 * state: its updates stop until the client has caught up, and then it is told which streams to
 * reload (latest state wins). Everything else (replies, status, timeline) is small and goes out
 * unless the client is so far behind that it is dropped.
 */
export class SlowClient {
  private readonly skipping = new Set<string>();
  private sentBytes = 0;
  private ackedBytes = 0;
  private ping: { mark: number; atMs: number; payload: string } | null = null;
  private pings = 0;

  constructor(private readonly limits: BackpressureLimits) {}

  /** Bytes sent and not yet known to be read. */
  get unread(): number {
    return this.sentBytes - this.ackedBytes;
  }

  /** Decides for a message; `streamUpdateOf` is the stream id when the message is a stream update. */
  deliver(streamUpdateOf: string | null, nowMs: number): Delivery {
    if (this.unread > this.limits.dropAboveBytes || this.silentFor(nowMs)) return 'drop';
    if (streamUpdateOf === null) return 'send';
    if (this.skipping.has(streamUpdateOf)) return 'skip';
    if (this.unread > this.limits.coalesceAboveBytes) {
      this.skipping.add(streamUpdateOf);
      return 'skip';
    }
    return 'send';
  }

  /** Counts a message sent; returns the payload of a ping to send after it, or null. */
  sent(bytes: number, nowMs: number): string | null {
    this.sentBytes += bytes;
    return this.pingDue(nowMs);
  }

  /** The payload of a ping to send now (recorded as outstanding), or null when none is due. */
  pingDue(nowMs: number): string | null {
    if (this.ping || this.sentBytes - this.ackedBytes < this.limits.pingEveryBytes) return null;
    this.ping = { mark: this.sentBytes, atMs: nowMs, payload: `gs${++this.pings}` };
    return this.ping.payload;
  }

  /**
   * A pong arrived. Only the answer to the outstanding ping (its payload, which the client can
   * know only by reading up to it) proves that everything sent before that ping has been read.
   */
  pong(payload: string): void {
    if (!this.ping || payload !== this.ping.payload) return;
    this.ackedBytes = this.ping.mark;
    this.ping = null;
  }

  /** True when a ping has gone unanswered for longer than the limit. */
  silentFor(nowMs: number): boolean {
    return this.ping !== null && nowMs - this.ping.atMs > this.limits.pongTimeoutMs;
  }

  /** A stream was removed: nothing of it is left to reload. */
  forget(streamId: string): void {
    this.skipping.delete(streamId);
  }

  /** True while some stream's updates are held back. */
  get behind(): boolean {
    return this.skipping.size > 0;
  }

  /**
   * The streams the client must reload, once it has caught up (unread under resumeBelowBytes);
   * null while it is still behind or skipped nothing. Their updates flow again from here on.
   */
  caughtUp(): string[] | null {
    if (this.skipping.size === 0 || this.unread >= this.limits.resumeBelowBytes) return null;
    const ids = [...this.skipping];
    this.skipping.clear();
    return ids;
  }
}
