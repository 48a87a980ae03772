/**
 * Loss, duplicates and reordering from sequence numbers, and RFC 3550 jitter.
 *
 * LOST, for every format with sequence numbers: expected − distinct ids received, where
 *   expected = highest id − first expected id + 1   (iperf's "Total", RFC 3550's "expected")
 *   distinct = ids in that span received at least once.
 * Equivalently: ids skipped by forward jumps − late first arrivals that filled one of those holes.
 * A duplicate changes nothing (it is counted in `duplicates`), a late packet fills its hole once,
 * whatever the order. Exact within the last WINDOW ids: an id more than WINDOW behind the highest
 * cannot be told from a duplicate and is taken as a late first arrival (it fills a hole), so a
 * duplicate that old hides one loss.
 *
 * IPERF'S OWN NUMBERS (iperf 2.1.8, src/Reporter.c `reporter_handle_packet_server_udp` and
 * `reporter_transfer_protocol_server_udp`), per stream, kept as `iperfLost`:
 *
 *   highest := firstExpected − 1                  (iperf 2: ids start at 1, so highest starts at 0)
 *   on each counted id:
 *     id == highest + 1  → in order
 *     id >  highest + 1  → skipped += id − highest − 1          (a forward jump)
 *     id <= highest      → outOfOrder += 1 (duplicates included; highest does not move)
 *     highest := max(highest, id)
 *   Total ("expected") = highest − firstExpected + 1          (iperf prints the highest id)
 *   Lost               = max(0, skipped − outOfOrder)          (iperf 2: a late packet is assumed to
 *                                                              fill a hole counted earlier, so even a
 *                                                              duplicate takes one off the loss)
 * iperf 3 (esnet/iperf src/iperf_udp.c `iperf_udp_recv`) differs only in when it clamps: a late
 * packet takes one off the running loss if that is above zero at that moment (convention 'iperf3').
 *
 * How the two relate: Total is the same number. Reordering alone changes neither Lost (a late
 * packet fills the hole its jump counted, in both). Each duplicate takes one more off iperf's Lost
 * and nothing off Gapscope's, so with duplicates iperf 2's Lost = max(0, Lost − duplicates) (iperf 3's
 * can be higher than that, never higher than Lost). Without duplicates the two are equal, which is
 * what the checks below compared.
 *
 * Checked against the real programs, not only their source:
 *  - crafted datagrams sent to `iperf -s -u` 2.1.8 (Debian 2.1.8+dfsg-1) on loopback: the server
 *    printed exactly what `iperfLost` gives for the same arrivals (cases in lossCounter.test.ts and
 *    iperf2.test.ts);
 *  - a real `iperf -c -u` 2.1.8 (and `iperf3 -c -u` 3.12) stream passed through a relay that dropped,
 *    duplicated and reordered datagrams (seeded), feeding the same arrivals to the real server and to
 *    Gapscope's decoder: Lost, Total and out-of-order were identical in every run (5 runs iperf 2,
 *    6 runs iperf 3, 2 000–15 000 datagrams each, up to 20% loss, 5% duplicates, 10% reordering).
 * Facts the iperf 2 server showed:
 *  - ids before the first one received count as lost (join at id 100: "100/104"), hence
 *    firstExpected = 1 for iperf rather than "start at the first id seen";
 *  - the first end-of-test datagram counts as a normal packet with its id made positive; its
 *    repeats, and anything after it, are not counted (a late datagram after it is ignored);
 *  - id 0 is ignored altogether;
 *  - when `iperf -s` is stopped by a signal before the end-of-test datagram arrives, it counts the
 *    last datagram a second time (one more out-of-order, so one less lost): compare runs that end
 *    normally.
 *
 * The sliding window of the last WINDOW ids separates duplicates from late first arrivals (older
 * late ids are counted as reordered), and the counter reports per packet how many ids a forward
 * jump skipped, so that the reception monitor can attribute them to the gap in which the packet
 * arrived (`lastSkipped`).
 */

/** How iperf files a loss (`iperfLost`): iperf 2 clamps the total at the end, iperf 3 clamps as it goes. */
export type LossConvention = 'iperf2' | 'iperf3';

/** How a sequence number is counted and how wide it is. */
export interface LossCounterOptions {
  /**
   * Width of the sequence field in bits. Narrower fields wrap and are unwrapped to the value nearest
   * the highest so far (a jump of half the range or more reads as late: losses are lower bounds).
   * 53 or more: no wrap (JavaScript numbers hold ids exactly up to 2^53).
   */
  bits?: number;
  /** The id the sender starts at; ids before the first one seen then count as lost (iperf: 1). Absent: count from the first id seen (RFC 3550). */
  firstExpected?: number;
  convention?: LossConvention;
}

/** What one sequence number turned out to be. */
export const Arrival = {
  inOrder: 0,
  /** Ids were skipped before this one (lastSkipped says how many). */
  jump: 1,
  /** Lower than the highest, not seen before. */
  late: 2,
  duplicate: 3,
  /** The counter started again at this id (lastRestart says why): nothing before it counts as lost. */
  restart: 4,
} as const;

/**
 * A forward jump this large in one step is not loss: no sender loses a million datagrams between two
 * that arrive, but a device that restarted with another counter does, and so does a payload read in
 * the wrong format (a 32-bit counter read as 64 bits jumps 4,294,967,296 per packet).
 */
export const IMPLAUSIBLE_JUMP = 1_000_000;
/** A sequence that falls back to within this of its first id has started again (the first ids are rarely 0 exactly)... */
export const RESTART_SLACK = 16;
/** ...when it had gone at least this far: a packet 64 ids late that is one of the first is a restart, not reordering. */
export const RESTART_MIN_BACK = 64;

/** One of the Arrival values. */
export type ArrivalKind = (typeof Arrival)[keyof typeof Arrival];

/** Narrower fields than this do not restart by their value alone (too many values alias to the start). */
export const MIN_RESTART_BITS = 16;

/** Ids remembered for telling a duplicate from a late packet. */
export const WINDOW = 4096;

/** Counts received, expected, lost, duplicate and reordered packets of one sequence-numbered stream. */
export class LossCounter {
  private readonly bits: number;
  private readonly modulus: number;
  private readonly firstExpected: number | undefined;
  private readonly convention: LossConvention;
  private readonly seen = new Uint32Array(WINDOW / 32);
  private started = false;
  private base = 0;
  private highest = 0;
  private skippedNow = 0;
  private outOfOrderNow = 0;
  private duplicatesNow = 0;
  private receivedNow = 0;
  private iperf3LostNow = 0;
  // Late first arrivals inside [first expected, highest]: each fills one hole a jump skipped.
  private filledNow = 0;
  // Totals of earlier runs (restart()), as iperf sums its per-connection reports.
  private carried = { received: 0, expected: 0, lost: 0, iperfLost: 0, duplicates: 0, outOfOrder: 0, skipped: 0 };
  /** Ids skipped by the forward jump at the latest packet (0 if none). */
  lastSkipped = 0;
  /** The latest packet's id, unwrapped. */
  lastId = 0;
  /** Why the latest packet restarted the count (Arrival.restart): back to the start, or a jump of millions. */
  lastRestart: 'sequence' | 'jump' | null = null;
  /** Restarts seen, by reason. */
  readonly restarts = { sequence: 0, jump: 0 };

  constructor(options: LossCounterOptions = {}) {
    this.bits = Math.max(1, Math.min(64, Math.floor(options.bits ?? 64)));
    this.modulus = this.bits >= 53 ? 0 : 2 ** this.bits;
    this.firstExpected = options.firstExpected;
    this.convention = options.convention ?? 'iperf2';
  }

  /** Counts one packet carrying `id` (raw field value; unwrapped here for narrow fields). */
  add(id: number): ArrivalKind {
    const ext = this.unwrap(id);
    this.lastId = ext;
    this.lastSkipped = 0;
    this.lastRestart = null;
    // A jump of millions, or a fall back to the run's start: the count starts again.
    if (this.started && ext - this.highest - 1 >= IMPLAUSIBLE_JUMP) return this.restartAt(ext, 'jump');
    if (this.started && this.backToStart(ext)) return this.restartAt(ext, 'sequence');
    this.receivedNow += 1;
    if (!this.started) {
      this.started = true;
      this.base = this.firstExpected ?? ext;
      this.highest = this.base - 1;
      this.seen.fill(0);
    }
    if (ext === this.highest + 1) {
      this.markNew(ext);
      this.highest = ext;
      return Arrival.inOrder;
    }
    if (ext > this.highest) {
      const skipped = ext - this.highest - 1;
      this.skippedNow += skipped;
      this.iperf3LostNow += skipped;
      this.lastSkipped = skipped;
      this.markNew(ext);
      this.highest = ext;
      return Arrival.jump;
    }
    this.outOfOrderNow += 1;
    if (this.iperf3LostNow > 0) this.iperf3LostNow -= 1;
    // Ids below the first expected one are tracked too (their bits alias only ids above the highest).
    if (this.highest - ext < WINDOW) {
      const bit = this.bitOf(ext);
      const word = bit >>> 5;
      const mask = 1 << (bit & 31);
      if (this.seen[word]! & mask) {
        this.duplicatesNow += 1;
        return Arrival.duplicate;
      }
      this.seen[word] = this.seen[word]! | mask;
    }
    if (ext >= this.base) this.filledNow += 1;
    return Arrival.late;
  }

  /**
   * A packet that repeats one of the run's first ids (within RESTART_SLACK of the first, already
   * received) or goes below the first, from RESTART_MIN_BACK or more ahead; beyond the duplicate
   * window, one at or below the first id. No network delivers the first packets again that late; a
   * sender that restarted its counter does. A late id that fills a hole is not one.
   */
  private backToStart(ext: number): boolean {
    if (this.modulus >= 2 ** MIN_RESTART_BITS && this.narrowRestart(ext)) return true;
    const back = this.highest - ext;
    if (back > WINDOW) return ext <= this.base;
    if (back < RESTART_MIN_BACK || ext > this.base + RESTART_SLACK) return false;
    if (ext < this.base) return true;
    const bit = this.bitOf(ext);
    return (this.seen[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }

  /**
   * A narrow counter (16 or 32 bits) that falls back to its first ids: the unwrapped id is anywhere
   * (a 16-bit counter that had reached 40,000 reads a fall to 0 as 25,535 skipped), so the field's
   * own value tells: within RESTART_SLACK of the run's first id, modulo the field, and not within
   * RESTART_MIN_BACK of where the count was. A real loss that ends just there is read as a restart
   * only when it happens to land in those 17 of the field's 65,536 values; on 8 bits (MAVLink) that
   * would be one in 15, so narrower fields keep to boot time and heartbeats.
   */
  private narrowRestart(ext: number): boolean {
    const m = this.modulus;
    const off = (((ext - this.base) % m) + m) % m;
    const jump = ext - (this.highest + 1);
    return off <= RESTART_SLACK && Math.abs(jump) >= RESTART_MIN_BACK && this.highest - this.base >= RESTART_MIN_BACK;
  }

  /** Begins a new run at `ext` itself (not at firstExpected: what came before the restart is unknown, not lost). */
  private restartAt(ext: number, why: 'sequence' | 'jump'): ArrivalKind {
    this.restart();
    this.restarts[why] += 1;
    this.lastRestart = why;
    this.lastId = ext;
    this.started = true;
    this.base = ext;
    this.highest = ext;
    this.seen.fill(0);
    this.markNew(ext);
    this.receivedNow = 1;
    return Arrival.restart;
  }

  /** Starts counting a new run of the sender (a new iperf test, an RTP resync), keeping the totals so far. */
  restart(): void {
    const c = this.carried;
    c.received += this.receivedNow;
    c.expected += this.expectedNow();
    c.lost += this.lostNow();
    c.iperfLost += this.iperfLostNow();
    c.duplicates += this.duplicatesNow;
    c.outOfOrder += this.outOfOrderNow;
    c.skipped += this.skippedNow;
    this.started = false;
    this.receivedNow = 0;
    this.skippedNow = 0;
    this.outOfOrderNow = 0;
    this.duplicatesNow = 0;
    this.iperf3LostNow = 0;
    this.filledNow = 0;
    this.lastSkipped = 0;
  }

  /** Packets counted, duplicates included. */
  get received(): number {
    return this.carried.received + this.receivedNow;
  }

  /** iperf's Total: highest id − first expected id + 1. */
  get expected(): number {
    return this.carried.expected + this.expectedNow();
  }

  /** Expected − distinct ids received: the holes never filled, whatever the duplicates. */
  get lost(): number {
    return this.carried.lost + this.lostNow();
  }

  /** What iperf's server prints as Lost, by the chosen convention (each duplicate takes one off). */
  get iperfLost(): number {
    return this.carried.iperfLost + this.iperfLostNow();
  }

  /** Ids seen twice (within the window). */
  get duplicates(): number {
    return this.carried.duplicates + this.duplicatesNow;
  }

  /** iperf's out-of-order count: every id at or below the highest so far. */
  get outOfOrder(): number {
    return this.carried.outOfOrder + this.outOfOrderNow;
  }

  /** Late first arrivals: out of order minus duplicates. */
  get reordered(): number {
    return this.outOfOrder - this.duplicates;
  }

  /** Ids skipped by forward jumps, before late arrivals filled any. */
  get skipped(): number {
    return this.carried.skipped + this.skippedNow;
  }

  private expectedNow(): number {
    return this.started ? this.highest - this.base + 1 : 0;
  }

  private lostNow(): number {
    // Never below zero: late ids older than the window may be duplicates taken for first arrivals.
    return Math.max(0, this.skippedNow - this.filledNow);
  }

  private iperfLostNow(): number {
    return this.convention === 'iperf3' ? this.iperf3LostNow : Math.max(0, this.skippedNow - this.outOfOrderNow);
  }

  private unwrap(id: number): number {
    if (this.modulus === 0 || !this.started) return id;
    const m = this.modulus;
    const low = ((this.highest % m) + m) % m;
    let delta = id - low;
    if (delta < 0) delta += m;
    return delta < m / 2 ? this.highest + delta : this.highest - (m - delta);
  }

  private bitOf(id: number): number {
    return ((id % WINDOW) + WINDOW) % WINDOW;
  }

  /** Records a new highest id, forgetting the ids it skipped over (they were not seen). */
  private markNew(ext: number): void {
    const from = this.highest + 1;
    const skipped = ext - from;
    if (!(skipped < WINDOW)) {
      this.seen.fill(0);
    } else {
      // Counted by k, not by id: past 2^53 an id + 1 may round back to the id itself.
      for (let k = 0; k < skipped; k++) {
        const bit = this.bitOf(from + k);
        this.seen[bit >>> 5] = this.seen[bit >>> 5]! & ~(1 << (bit & 31));
      }
    }
    const bit = this.bitOf(ext);
    this.seen[bit >>> 5] = this.seen[bit >>> 5]! | (1 << (bit & 31));
  }
}

/**
 * RFC 3550 §6.4.1 interarrival jitter, in arrival order: D = (Rj − Ri) − (Sj − Si),
 * J += (|D| − J) / 16. Send times come from the payload (iperf's timestamps, RTP's clock), so the
 * two hosts' clocks need not agree: only differences count.
 */
export class JitterMeter {
  private prevTransit = 0;
  private samples = 0;
  private j = 0;

  /** Adds a packet received at arrivalMs that the sender stamped sendMs (any fixed offset). */
  add(arrivalMs: number, sendMs: number): void {
    const transit = arrivalMs - sendMs;
    if (this.samples > 0) {
      const d = Math.abs(transit - this.prevTransit);
      this.j += (d - this.j) / 16;
    }
    this.prevTransit = transit;
    this.samples += 1;
  }

  /** Forgets the previous packet, e.g. when the sender starts a new run. */
  reset(): void {
    this.samples = 0;
    this.j = 0;
  }

  /** Jitter in ms, or null before two packets. */
  get jitterMs(): number | null {
    return this.samples >= 2 ? this.j : null;
  }
}

/** The counts several sequence spaces (MAVLink links, RTP sources) add up to. */
export interface LossTotals {
  received: number;
  expected: number;
  lost: number;
  duplicates: number;
  reordered: number;
  outOfOrder: number;
  /** Times the count started again (LossCounter.restarts). */
  restarts?: { sequence: number; jump: number };
}

/** Adds up the counts of several counters, for a stream that carries more than one sequence. */
export function sumLossCounts(counters: Iterable<LossTotals>): LossTotals {
  const t: LossTotals = { received: 0, expected: 0, lost: 0, duplicates: 0, reordered: 0, outOfOrder: 0, restarts: { sequence: 0, jump: 0 } };
  for (const c of counters) {
    t.restarts!.sequence += c.restarts?.sequence ?? 0;
    t.restarts!.jump += c.restarts?.jump ?? 0;
    t.received += c.received;
    t.expected += c.expected;
    t.lost += c.lost;
    t.duplicates += c.duplicates;
    t.reordered += c.reordered;
    t.outOfOrder += c.outOfOrder;
  }
  return t;
}
