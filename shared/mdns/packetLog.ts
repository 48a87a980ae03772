/**
 * The latest raw mDNS packets that carried each instance's records, for the details view: a
 * bounded ring of packets (by bytes) and, per instance, the last few of them. A flood evicts old
 * packets, never grows memory.
 */

/** A packet as received. */
export interface LoggedPacket {
  seq: number;
  at: number;
  iface: string;
  source: string;
  port: number;
  bytes: Uint8Array;
}

/** Bounds of the log. */
export interface PacketLogLimits {
  /** Bytes of packets kept in all. */
  maxBytes: number;
  /** Packets remembered per instance. */
  perInstance: number;
  /** Instances remembered (the longest-unheard go first). */
  maxInstances: number;
}

/** Bounds used when none are given: 4 MiB, 3 packets per instance, 8192 instances. */
export const DEFAULT_PACKET_LOG_LIMITS: PacketLogLimits = { maxBytes: 4 * 1024 * 1024, perInstance: 3, maxInstances: 8192 };

/** Keeps the latest packets per instance key within fixed bounds. */
export class PacketLog {
  private readonly limits: PacketLogLimits;
  private readonly packets = new Map<number, LoggedPacket>();
  private readonly byInstance = new Map<string, number[]>();
  private bytes = 0;
  private seq = 0;

  constructor(limits: Partial<PacketLogLimits> = {}) {
    this.limits = { ...DEFAULT_PACKET_LOG_LIMITS, ...limits };
  }

  /** Keeps a packet (copied) under the instances it speaks about; a packet about none is not kept. */
  add(p: Omit<LoggedPacket, 'seq'>, instanceKeys: readonly string[]): void {
    if (instanceKeys.length === 0 || p.bytes.length > this.limits.maxBytes) return;
    const seq = ++this.seq;
    this.packets.set(seq, { ...p, bytes: p.bytes.slice(), seq });
    this.bytes += p.bytes.length;
    for (const key of instanceKeys) {
      const list = this.byInstance.get(key) ?? [];
      this.byInstance.delete(key);
      list.push(seq);
      if (list.length > this.limits.perInstance) list.splice(0, list.length - this.limits.perInstance);
      this.byInstance.set(key, list);
    }
    while (this.byInstance.size > this.limits.maxInstances) {
      const oldest = this.byInstance.keys().next().value;
      if (oldest === undefined) break;
      this.byInstance.delete(oldest);
    }
    while (this.bytes > this.limits.maxBytes) {
      const first = this.packets.values().next().value;
      if (!first) break;
      this.packets.delete(first.seq);
      this.bytes -= first.bytes.length;
    }
  }

  /** The packets kept for an instance, newest first. */
  packetsOf(key: string): LoggedPacket[] {
    const list = this.byInstance.get(key) ?? [];
    return list
      .map((s) => this.packets.get(s))
      .filter((p): p is LoggedPacket => p !== undefined)
      .reverse();
  }

  /** Bytes and packets held, for tests and stats. */
  size(): { packets: number; bytes: number; instances: number } {
    return { packets: this.packets.size, bytes: this.bytes, instances: this.byInstance.size };
  }
}
