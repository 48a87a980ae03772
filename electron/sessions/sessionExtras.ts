/**
 * The rest of a session capture, written from the main process beside the streams' workers: every
 * mDNS datagram the Bonjour browser takes (one interface per link, described when its first
 * datagram comes), the DNS probes' datagrams when a source gives them, and every timeline event during the recording (on the timeline interface the
 * session's header already describes). Blocks are appended whole with O_APPEND, like the workers'
 * chunks, one write at a time, at least once a second; what waits for the disk is bounded, and what
 * does not fit is counted as not recorded. The events are also kept (bounded) for session.json.
 */
import { close, closeSync, openSync, write } from 'node:fs';
import type { ErrorInfo } from '../../shared/contract';
import type { SessionExtrasInfo } from '../../shared/contract/sessions';
import { dnsDatagramBlock, dnsProbesInterfaceBlock, mdnsDatagramBlock, mdnsInterfaceBlock, timelineEventBlock, timelineInterfaceBlock, type DnsDatagramRecord, type MdnsDatagramRecord } from '../../shared/pcapng/writeExtras';
import type { TimelineEvent } from '../../shared/timeline';
import type { TimelineLog } from '../kernel/timeline';
import { explainWriteError } from '../reception/recordingFile';

/** Where the extra traffic comes from: hooks of other services, handed over by createBackend. */
export interface RecordingSources {
  /** Subscribes to every mDNS datagram the Bonjour browser takes; returns the unsubscribe function. */
  mdnsPackets?: (listener: (d: MdnsDatagramRecord & { iface: string }) => void) => () => void;
  /** Subscribes to every datagram the DNS probes send and receive over UDP; returns the unsubscribe function. */
  dnsDatagrams?: (listener: (d: DnsDatagramRecord) => void) => () => void;
}

/** Blocks waiting for the disk, bytes; beyond this, datagrams and events are counted as not recorded. */
export const MAX_PENDING_BYTES = 4 * 1024 * 1024;
/** A write starts early once this much waits. */
export const WRITE_AT_BYTES = 256 * 1024;
/** Events kept for session.json; later ones are in the capture only (and counted). */
export const MAX_SIDECAR_EVENTS = 5000;
/** The once-a-second flush, ms. */
export const FLUSH_MS = 1000;

/** The session's own start and stop are the recording's bounds, not events inside it. */
function isOwnMark(e: TimelineEvent): boolean {
  return e.source === 'session' && e.kind.startsWith('recording-');
}

interface Batch {
  mdns: number;
  dns: number;
  events: number;
}

/** Records the extras of one session into its capture until close(). */
export class SessionExtras {
  private readonly fd: number;
  private readonly mdnsIds = new Map<string, number>();
  private nextInterfaceId: number;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private pendingCounts: Batch = { mdns: 0, dns: 0, events: 0 };
  private writing = false;
  private closed = false;
  private failed: ErrorInfo | null = null;
  private idle: (() => void)[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: (() => void)[] = [];
  /** Events during the recording, oldest first, at most MAX_SIDECAR_EVENTS. */
  readonly events: TimelineEvent[] = [];
  readonly info: SessionExtrasInfo;

  /**
   * The interface descriptions the session's header holds after the streams' (the timeline, then
   * the DNS probes when that source is wired); the mDNS links are described later, as they come.
   */
  static headerBlocks(sources: RecordingSources): Uint8Array[] {
    return [timelineInterfaceBlock(), ...(sources.dnsDatagrams ? [dnsProbesInterfaceBlock()] : [])];
  }

  /** Opens the capture for appending; its header must hold headerBlocks() from timelineInterfaceId on. Throws a write error. */
  constructor(
    private readonly path: string,
    timelineInterfaceId: number,
    timeline: Pick<TimelineLog, 'subscribe'>,
    sources: RecordingSources,
    private readonly onFailure: (e: ErrorInfo) => void,
  ) {
    const dnsInterfaceId = sources.dnsDatagrams ? timelineInterfaceId + 1 : null;
    this.info = { timelineInterfaceId, mdnsInterfaces: [], mdnsPackets: 0, dnsInterfaceId, dnsPackets: 0, events: 0, eventsSeen: 0, notRecorded: 0, bytesWritten: 0 };
    this.nextInterfaceId = (dnsInterfaceId ?? timelineInterfaceId) + 1;
    this.fd = openSync(path, 'a');
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.unsubscribe.push(timeline.subscribe((e) => this.onEvent(e)));
    if (sources.mdnsPackets) this.unsubscribe.push(sources.mdnsPackets((d) => this.onMdns(d)));
    if (sources.dnsDatagrams) this.unsubscribe.push(sources.dnsDatagrams((d) => this.onDns(d)));
  }

  /** The error that stopped writing, if any. */
  get error(): ErrorInfo | null {
    return this.failed;
  }

  /** Writes what waits now (also called every second). */
  flush(): void {
    if (this.writing || this.failed || this.pending.length === 0) return;
    const parts = this.pending;
    const counts = this.pendingCounts;
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingCounts = { mdns: 0, dns: 0, events: 0 };
    const chunk = Buffer.concat(parts);
    this.writing = true;
    this.writeChunk(chunk, 0, counts);
  }

  /** Stops listening, writes what remains and closes the file; resolves when the disk has it (or writing failed). */
  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    for (const u of this.unsubscribe.splice(0)) u();
    // Blocks queued while a write was under way go in the next one.
    for (;;) {
      this.flush();
      if (!this.writing) break;
      await new Promise<void>((r) => this.idle.push(r));
    }
    this.closed = true;
    if (!this.failed) closeSync(this.fd);
  }

  private onEvent(e: TimelineEvent): void {
    if (this.closed || isOwnMark(e)) return;
    this.info.eventsSeen += 1;
    if (this.events.length < MAX_SIDECAR_EVENTS) this.events.push(e);
    if (this.queue(timelineEventBlock(this.info.timelineInterfaceId, e))) this.pendingCounts.events += 1;
  }

  private onMdns(d: MdnsDatagramRecord & { iface: string }): void {
    if (this.closed || this.failed) return;
    let id = this.mdnsIds.get(d.iface);
    if (id === undefined) {
      // The link's interface description goes before its first packet, in the same ordered queue;
      // it is never dropped, or every later interface id would shift.
      id = this.nextInterfaceId++;
      this.mdnsIds.set(d.iface, id);
      this.info.mdnsInterfaces.push({ interfaceId: id, iface: d.iface });
      this.queue(mdnsInterfaceBlock(d.iface), true);
    }
    const block = mdnsDatagramBlock(id, d);
    if (!block) {
      this.info.notRecorded += 1;
      return;
    }
    if (this.queue(block)) this.pendingCounts.mdns += 1;
  }

  private onDns(d: DnsDatagramRecord): void {
    if (this.closed || this.failed || this.info.dnsInterfaceId === null) return;
    const block = dnsDatagramBlock(this.info.dnsInterfaceId, d);
    if (!block) {
      this.info.notRecorded += 1;
      return;
    }
    if (this.queue(block)) this.pendingCounts.dns += 1;
  }

  private queue(block: Uint8Array, always = false): boolean {
    if (this.failed) return false;
    if (!always && this.pendingBytes + block.length > MAX_PENDING_BYTES) {
      this.info.notRecorded += 1;
      return false;
    }
    this.pending.push(block);
    this.pendingBytes += block.length;
    if (this.pendingBytes >= WRITE_AT_BYTES) this.flush();
    return true;
  }

  private writeChunk(chunk: Buffer, offset: number, counts: Batch): void {
    write(this.fd, chunk, offset, chunk.length - offset, null, (err, n) => {
      if (err) return this.fail(err);
      this.info.bytesWritten += n;
      if (offset + n < chunk.length) return this.writeChunk(chunk, offset + n, counts);
      this.info.mdnsPackets += counts.mdns;
      this.info.dnsPackets += counts.dns;
      this.info.events += counts.events;
      this.writing = false;
      for (const r of this.idle.splice(0)) r();
      if (this.pendingBytes >= WRITE_AT_BYTES) this.flush();
    });
  }

  private fail(err: unknown): void {
    this.failed = explainWriteError(err, this.path);
    this.writing = false;
    this.pending = [];
    this.pendingBytes = 0;
    close(this.fd, () => {});
    for (const r of this.idle.splice(0)) r();
    this.onFailure(this.failed);
  }
}
