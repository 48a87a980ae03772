/**
 * Network impairments for the lab, with nftables on a namespace's input hook (there is no netem
 * on these machines): random loss, the field case's "stops after every ~128 KB" quota, and timed
 * cut-outs. Every drop is counted, so a test can check that what was sent equals what arrived
 * plus what the lab dropped.
 *
 * Timing: starting `nft` costs ~25 ms of CPU, and on a 2-core machine that lands exactly when the
 * receivers timestamp the end of a cut-out or a quota gap. So the time-critical commands (cut-out
 * start and end, quota resets) go through one long-running `nft -i` session, where each costs
 * about a millisecond.
 *
 * Twin ports: for unicast, the sender sends every datagram to Gapscope's port and to a reference
 * socket's port. Two independent decisions (a random draw, a quota reset or a rule change landing
 * between the two copies) would let the two sockets see different packets. So only the copy to
 * `port` is judged; when it is dropped its sequence number (the first 8 payload bytes, see
 * lab/sender.mjs) goes into a short-lived set, and the copies to the `mirrorPorts`, which the
 * sender sends right after, are dropped if their sequence number is in that set. Both ports then receive
 * exactly the same datagrams. This relies on payloads of at least 8 bytes.
 */
import type { LabHost, LabProcess } from './netns';

/** Which traffic to impair. */
export interface ImpairmentOptions {
  /** UDP destination port whose datagrams are judged (Gapscope's). */
  port: number;
  /** Ports that get a copy of each datagram (the unicast references); their copies share the fate of their twin on `port`. */
  mirrorPorts?: number[];
  /** nftables table name (family inet); default "gslab". */
  table?: string;
  /** The hook to judge on: input (default: what arrives) or output (what the host sends, e.g. a device's egress, before any capture sees it). */
  hook?: 'input' | 'output';
}

/** When a cut-out's drop rule was added and removed (Date.now() ms, when the command was issued; it applies within ~1 ms). */
export interface CutOutTiming {
  requestedMs: number;
  startedAt: number;
  endedAt: number;
}

/** A running quota reset loop. */
export interface QuotaRun {
  /** Stops resetting; resolves with how many resets were done. The quota rule itself stays until `remove()`. */
  stop(): Promise<{ resets: number }>;
}

/** Drop counters read from the kernel. */
export interface DropCounts {
  /** Datagrams to `port` dropped by any impairment. */
  dropped: number;
  /** Twin copies to the mirror ports dropped because their twin was (one per mirror port). */
  mirrored: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** nftables impairments on one host's input hook; create with `Impairments.install`. */
export class Impairments {
  private readonly table: string;
  private quotaCount = 0;
  private session: LabProcess | null = null;

  private constructor(
    private readonly host: LabHost,
    private readonly opts: ImpairmentOptions,
  ) {
    this.table = opts.table ?? 'gslab';
  }

  /**
   * Creates the table: an input chain that sends the port's datagrams to a "judge" chain (loss
   * and quota rules) whose first rule jumps to a "cut" chain (cut-outs), two drop counters and,
   * for twin ports, the twin rule.
   */
  static async install(host: LabHost, opts: ImpairmentOptions): Promise<Impairments> {
    const imp = new Impairments(host, opts);
    const t = `inet ${imp.table}`;
    const mirrors = opts.mirrorPorts ?? [];
    await imp.nftBatch([
      `add table ${t}`,
      `add counter ${t} dropped`,
      `add counter ${t} mirrored`,
      `add chain ${t} cut`,
      `add chain ${t} judge`,
      `add rule ${t} judge jump cut`,
      `add chain ${t} in { type filter hook ${opts.hook ?? 'input'} priority 0; policy accept; }`,
      ...(mirrors.length > 0
        ? [
            `add set ${t} twins { typeof @th,64,64; flags timeout; timeout 2s; size 65535; }`,
            `add rule ${t} in udp dport { ${mirrors.join(', ')} } @th,64,64 @twins counter name mirrored drop`,
          ]
        : []),
      `add rule ${t} in udp dport ${opts.port} jump judge`,
    ]);
    // Real-time priority above the receivers' (lab/streams.ts): on a busy machine an nft that waits
    // for a CPU applies a cut-out late but lifts it on time, and the cut comes out short (a 150 ms
    // cut measured 122 ms by both reference sockets in one CI run).
    imp.session = host.spawn('chrt', ['--fifo', '20', 'nft', '-i'], { stdin: true });
    return imp;
  }

  /**
   * Drops `percent` % of the datagrams to the port, at random; returns the rule's handle. `only`,
   * an nft match, limits the loss to the datagrams it matches (the others always pass): a test
   * whose reference needs one particular datagram, such as iperf 2's single end-of-test datagram
   * on multicast, spares it instead of failing at random one run in ten.
   */
  async randomLoss(percent: number, only = ''): Promise<number> {
    if (!(percent >= 0 && percent <= 100)) throw new Error(`loss must be 0-100 %, got ${percent}`);
    return this.addJudgeRule(`${only ? `${only} ` : ''}numgen random mod 100 < ${Math.round(percent)}`);
  }

  /**
   * The field case: lets `bytes` through (counted as the kernel counts them, IP and UDP headers
   * included), then drops everything until the next reset. Resets come after a random interval
   * between `resetEveryMs[0]` and `[1]`, so gaps recur after a fixed byte count but not after a
   * fixed time. The first interval starts when the quota first runs out (the drop counter moves),
   * not when this is called: otherwise the first reset could land at any moment of the first
   * period and make a first gap of any length, even one right at a receiver's gap threshold.
   */
  async startQuota(bytes: number, resetEveryMs: [number, number]): Promise<QuotaRun> {
    const name = `q${++this.quotaCount}`;
    await this.nftBatch([`add quota inet ${this.table} ${name} { over ${bytes} bytes; }`]);
    const baseline = (await this.counts()).dropped;
    await this.addJudgeRule(`quota name ${name}`);
    let stopped = false;
    let resets = 0;
    const [lo, hi] = resetEveryMs;
    const loop = (async () => {
      while (!stopped && (await this.counts()).dropped === baseline) await sleep(20);
      while (!stopped) {
        await sleep(lo + Math.random() * (hi - lo));
        if (stopped) break;
        this.interactive(`reset quota inet ${this.table} ${name}`);
        resets++;
      }
    })();
    return {
      stop: async () => {
        stopped = true;
        await loop;
        return { resets };
      },
    };
  }

  /**
   * Drops the datagrams whose payload's first 64 bits (the sequence number of lab/sender.mjs and of
   * Gapscope's seq format, big-endian) are `from` to `from + count - 1`: exactly `count` drops,
   * whatever the timing. Returns the rule's handle.
   */
  async dropSequences(from: number, count: number): Promise<number> {
    if (!(Number.isInteger(from) && from >= 0 && Number.isInteger(count) && count > 0)) throw new Error(`dropSequences(${from}, ${count}): whole numbers, count > 0`);
    return this.addJudgeRule(`@th,64,64 ${from}-${from + count - 1}`);
  }

  /** Drops what exceeds `perSecond` datagrams/s to the port (nft's token bucket, `burst` deep). Returns the rule's handle. */
  async rateLimit(perSecond: number, burst: number): Promise<number> {
    return this.addJudgeRule(`limit rate over ${Math.round(perSecond)}/second burst ${Math.round(burst)} packets`);
  }

  /** Drops everything to the port for `durationMs`: a rule added, then removed. */
  async cutOut(durationMs: number): Promise<CutOutTiming> {
    const twin = this.hasTwins() ? 'add @twins { @th,64,64 } ' : '';
    const startedAt = Date.now();
    this.interactive(`add rule inet ${this.table} cut ${twin}counter name dropped drop`);
    await sleep(durationMs);
    const endedAt = Date.now();
    this.interactive(`flush chain inet ${this.table} cut`);
    // Let the session apply it before anyone reads counters.
    await sleep(5);
    this.checkSession();
    return { requestedMs: durationMs, startedAt, endedAt };
  }

  /** Deletes a rule returned by `randomLoss`. */
  async deleteRule(handle: number): Promise<void> {
    await this.nftBatch([`delete rule inet ${this.table} judge handle ${handle}`]);
  }

  /** Reads the drop counters. */
  async counts(): Promise<DropCounts> {
    this.checkSession();
    const r = await this.host.exec('nft', ['-j', 'list', 'counters', 'table', 'inet', this.table]);
    const out: DropCounts = { dropped: 0, mirrored: 0 };
    const parsed = JSON.parse(r.stdout) as { nftables: Array<{ counter?: { name: string; packets: number } }> };
    for (const item of parsed.nftables) {
      if (item.counter?.name === 'dropped') out.dropped = item.counter.packets;
      if (item.counter?.name === 'mirrored') out.mirrored = item.counter.packets;
    }
    return out;
  }

  /** Ends the session and removes the table and everything in it. */
  async remove(): Promise<void> {
    if (this.session) {
      this.session.endInput();
      await Promise.race([this.session.exited, sleep(2000)]);
      this.session.kill('SIGKILL');
      this.session = null;
    }
    await this.host.exec('nft', ['delete', 'table', 'inet', this.table], { allowFailure: true });
  }

  /** Appends `<match> drop` to the judge chain (noting twins) and returns the rule's handle. */
  private async addJudgeRule(match: string): Promise<number> {
    const twin = this.hasTwins() ? 'add @twins { @th,64,64 } ' : '';
    const rule = `${match} ${twin}counter name dropped drop`;
    const r = await this.host.exec('nft', ['--echo', '--handle', 'add', 'rule', 'inet', this.table, 'judge', rule]);
    const handle = Number(/# handle (\d+)/.exec(r.stdout)?.[1]);
    if (!Number.isInteger(handle)) throw new Error(`nft did not report a rule handle: ${r.stdout}`);
    return handle;
  }

  /** Runs commands as one `nft` invocation (one transaction). */
  private async nftBatch(commands: string[]): Promise<void> {
    await this.host.exec('nft', [commands.join('; ')]);
  }

  private hasTwins(): boolean {
    return (this.opts.mirrorPorts ?? []).length > 0;
  }

  private interactive(command: string): void {
    this.checkSession();
    this.session?.write(`${command}\n`);
  }

  private checkSession(): void {
    const err = this.session?.stderr() ?? '';
    if (err.trim()) throw new Error(`nft session reported: ${err.trim()}`);
    if (this.session && this.session.child.exitCode !== null) throw new Error('nft session ended unexpectedly');
  }
}

/**
 * Payload bytes per quota period: the quota counts whole IP packets, so with `payload`-byte
 * datagrams it lets through the packets whose running total stays under `quotaBytes`.
 */
export function payloadPerQuota(quotaBytes: number, payload: number, family: 'ipv4' | 'ipv6'): number {
  const ipBytes = payload + 8 + (family === 'ipv4' ? 20 : 40);
  // nft_quota drops the packet that brings the running total to or over the quota.
  const packets = Math.ceil(quotaBytes / ipBytes) - 1;
  return packets * payload;
}
