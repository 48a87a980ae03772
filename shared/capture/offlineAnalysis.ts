/**
 * The same analysis as live reception, over a capture file: frames → UDP datagrams → the chosen
 * flow's datagrams, with their capture timestamps, into a ReceptionMonitor (gaps, bins,
 * periodicity, decoding), and the same report as `gapscope listen --json`. Pure: the Node side
 * only reads the file and pushes chunks into `reader()`.
 */
import { GapscopeError } from '../errors';
import { parseFormat } from '../decoders/streamDecoder';
import { CaptureReader, type CaptureFileFormat, type CaptureInterface, type CaptureRecord } from '../pcapng/read';
import { CaptureWarnings, type CaptureWarning } from '../pcapng/readErrors';
import { ReceptionMonitor } from '../reception/receptionMonitor';
import { buildReport, type ReceptionReport } from '../reception/report';
import type { ReceptionSnapshot } from '../reception/types';
import { ClockStretches } from './clockStretches';
import type { FragmentLimits, FragmentStats } from './fragments';
import { FlowTable, flowMatches, type FlowSelector, type UdpFlow } from './flows';
import { linkTypeName } from './linkLayer';
import { UdpExtractor, type ExtractStats, type UdpDatagram } from './udpExtractor';

/** What to analyze and how; the same knobs as `listen`. */
export interface OfflineOptions {
  /** Only datagrams to this UDP port (as `listen --port` receives them). */
  port?: number;
  /** Only this flow. */
  flow?: FlowSelector | null;
  /** Payload format, as `listen --decode` takes it; default 'auto'. */
  decode?: string;
  binMs?: number;
  gapMs?: number;
  fragments?: FragmentLimits;
  /** Called for every datagram of every flow (e.g. to compare), after it is counted. */
  onDatagram?: (d: UdpDatagram, flow: UdpFlow | null) => void;
}

/** Everything about the file itself that a report carries next to the reception figures. */
export interface CaptureSummary {
  format: CaptureFileFormat | null;
  interfaces: { linkType: string; name: string | null }[];
  frames: number;
  extract: ExtractStats;
  fragments: FragmentStats;
  flows: number;
  /** Datagrams of flows beyond the flow table's cap. */
  flowsOverflowPackets: number;
  /** Capture time of the first and last frame, ms since the epoch. */
  firstFrameMs: number | null;
  lastFrameMs: number | null;
  warnings: CaptureWarning[];
}

/** Several flows match and none was chosen: the CLI lists them. */
export class AmbiguousFlowError extends GapscopeError {
  constructor(
    message: string,
    readonly flows: UdpFlow[],
  ) {
    super('invalid-argument', message);
    this.name = 'AmbiguousFlowError';
  }
}

/** Flows that get a monitor while the file is read; past this the choice is ambiguous anyway. */
const MAX_MONITORED = 16;
/** Datagrams per flow copied before they reach the monitor ('auto' keeps the first 16 to detect the format). */
const DETECTION_COPIES = 64;

interface Monitored {
  flow: UdpFlow;
  monitor: ReceptionMonitor;
  /** Where its datagrams come from, as live reception names a packet's source: the same for every datagram of a flow. */
  from: string;
  lastAt: number;
  /** The stretch of capture time the flow started in, and its first frame: the flow's time 0. */
  stretch: number;
  origin: number;
}

/** One pass over a capture: the flow table and a monitor for each flow that matches the choice. */
export class OfflineAnalysis {
  readonly warnings = new CaptureWarnings();
  readonly flowTable = new FlowTable();
  private readonly captureReader: CaptureReader;
  private readonly extractor: UdpExtractor;
  private readonly monitored = new Map<string, Monitored | null>();
  private monitoredCount = 0;
  private tooMany = false;
  private origin: number | null = null;
  private lastFrame: number | null = null;
  private readonly stretches = new ClockStretches(this.warnings);
  private frameStretch = 0;
  private readonly binMs: number;
  private readonly decode: string;

  constructor(private readonly options: OfflineOptions = {}) {
    this.binMs = options.binMs ?? 100;
    this.decode = options.decode ?? 'auto';
    if (parseFormat(this.decode) === null) throw new GapscopeError('invalid-argument', `Unknown payload format "${this.decode}".`);
    this.extractor = new UdpExtractor((d) => this.onDatagram(d), { fragments: options.fragments, warnings: this.warnings });
    this.captureReader = new CaptureReader((r) => this.onRecord(r));
  }

  /** Push the file's bytes here (then call `finish`). */
  reader(): CaptureReader {
    return this.captureReader;
  }

  /**
   * Ends the file: flushes the reader and the fragment reassembly, and has every flow's gaps judged
   * again against its final threshold (a learned threshold moves; offline there is no excuse to miss
   * a silence longer than the threshold the report states).
   */
  finish(): void {
    this.captureReader.end();
    this.extractor.finish();
    for (const m of this.monitored.values()) m?.monitor.reevaluateGaps();
  }

  /** Capture time of the first frame of the file, like Wireshark's relative time. */
  get originMs(): number | null {
    return this.origin;
  }

  /**
   * Time 0 of a measured flow's report: the first frame of the file, or, when the file's clocks are
   * years apart (see clockStretches.ts), the first frame of the stretch of time the flow started in.
   */
  originOf(flowId: string): number | null {
    return this.monitored.get(flowId)?.origin ?? null;
  }

  /** The flows that match the choice. */
  matchingFlows(): UdpFlow[] {
    return this.flowTable.list().filter((f) => flowMatches(f, this.options.flow ?? null, this.options.port ?? null));
  }

  /**
   * The live-reception snapshot of one measured flow (after `finish`), as Reception shows a stream:
   * its clock stopped at the flow's last datagram or the last frame of its stretch of capture time
   * (the file's last frame, unless the file's clocks are years apart), whichever is later.
   */
  snapshotOf(flowId: string): ReceptionSnapshot | null {
    const m = this.monitored.get(flowId);
    if (!m) return null;
    return m.monitor.snapshot(this.endOf(m));
  }

  private endOf(m: Monitored): number {
    return Math.max(m.lastAt, this.stretches.lastOf(m.stretch) - m.origin);
  }

  /** About the file (after `finish`). */
  summary(): CaptureSummary {
    const r = this.captureReader;
    const warnings = [...r.warnings.list(), ...this.warnings.list()];
    return {
      format: r.format,
      interfaces: r.interfaces.map((i: CaptureInterface) => ({ linkType: linkTypeName(i.linkType), name: i.name })),
      frames: r.packetCount,
      extract: { ...this.extractor.stats },
      fragments: structuredCloneStats(this.extractor.fragments.stats),
      flows: this.flowTable.list().length,
      flowsOverflowPackets: this.flowTable.overflowPackets,
      firstFrameMs: this.origin,
      lastFrameMs: this.lastFrame,
      warnings,
    };
  }

  /**
   * The report of the one flow that matches, shaped as `listen --json`'s; throws a GapscopeError
   * when no flow or several flows match (AmbiguousFlowError lists them).
   */
  report(file: string): ReceptionReport & { capture: CaptureSummary } {
    const matches = this.matchingFlows();
    const all = this.flowTable.list();
    const what = this.choiceText();
    if (all.length === 0) {
      const s = this.extractor.stats;
      throw new GapscopeError('not-found', `No UDP datagrams in ${file} (${s.frames} frames: ${s.otherIp} other IP, ${s.notIp} not IP, ${s.malformed} malformed, ${s.unsupportedLinkType} on unsupported link types).`);
    }
    if (matches.length === 0) {
      throw new GapscopeError('not-found', `No UDP flow ${what} in ${file}; it has ${all.length} flows: ${all.slice(0, 5).map(flowLine).join('; ')}${all.length > 5 ? '; …' : ''} (see --flows).`);
    }
    if (matches.length > 1 || this.tooMany) {
      throw new AmbiguousFlowError(`${matches.length} UDP flows ${what ? `${what} ` : ''}in ${file}; choose one with --flow SRC>DST (or --port).`, matches);
    }
    const flow = matches[0]!;
    const m = this.monitored.get(flow.id);
    if (!m) throw new GapscopeError('internal', `The flow ${flow.id} was not measured.`);
    const nowMs = this.endOf(m);
    const stream = {
      file,
      flow: flow.id,
      source: flow.srcAddress,
      sourcePort: flow.srcPort,
      address: flow.dstAddress,
      port: flow.dstPort,
      family: flow.family === 4 ? 'ipv4' : 'ipv6',
      binMs: this.binMs,
      gapMs: this.options.gapMs,
      decode: this.decode,
      kind: 'capture',
    };
    const report = buildReport(m.monitor.snapshot(nowMs), stream, m.origin);
    return { ...report, capture: this.summary() };
  }

  private choiceText(): string {
    const parts: string[] = [];
    if (this.options.port !== undefined) parts.push(`to port ${this.options.port}`);
    if (this.options.flow) parts.push('matching --flow');
    return parts.join(' ');
  }

  private onRecord(r: CaptureRecord): void {
    if (this.origin === null) this.origin = r.timeMs;
    if (this.lastFrame === null || r.timeMs > this.lastFrame) this.lastFrame = r.timeMs;
    const iface = this.captureReader.interfaceIndexOf(r.interfaceId);
    this.labelIface = iface;
    this.frameStretch = this.stretches.add(r.timeMs, iface, r.offset, this.interfaceLabel);
    this.extractor.onRecord(r);
  }

  // The name of the frame's interface in a clock-jump warning, made once rather than per frame.
  private labelIface = 0;
  private readonly interfaceLabel = (): string => {
    const reader = this.captureReader;
    if (reader.format !== 'pcapng') return 'The capture';
    const name = reader.interfaces[this.labelIface]?.name;
    return `Interface ${this.labelIface}${name ? ` (${name})` : ''}`;
  };

  private onDatagram(d: UdpDatagram): void {
    const flow = this.flowTable.add(d);
    // A flow the table had no room for was never measured.
    let m = flow ? this.monitored.get(flow.id) : null;
    if (m === undefined && flow) {
      const id = flow.id;
      m = null;
      if (flowMatches(flow, this.options.flow ?? null, this.options.port ?? null)) {
        if (this.monitoredCount < MAX_MONITORED) {
          const monitor = new ReceptionMonitor({ binMs: this.binMs, gapMs: this.options.gapMs, decode: parseFormat(this.decode) ?? 'none', port: flow.dstPort, keepPackets: 0 });
          const from = flow.family === 6 ? `[${flow.srcAddress}]:${flow.srcPort}` : `${flow.srcAddress}:${flow.srcPort}`;
          m = { flow, monitor, from, lastAt: 0, stretch: this.frameStretch, origin: this.stretches.originOf(this.frameStretch) };
          this.monitoredCount += 1;
        } else {
          this.tooMany = true;
        }
      }
      this.monitored.set(id, m);
    }
    if (m) {
      if (this.frameStretch !== m.stretch) {
        this.warnings.add('flow-across-clock-jump', `The flow ${m.flow.id} has datagrams on both sides of a clock jump: its times after the jump are off by the jump.`, d.offset);
      }
      let at = d.timeMs - m.origin;
      // Live arrivals never go back in time; a capture's can (several interfaces, clock steps).
      if (at < m.lastAt) {
        this.warnings.add('time-went-back', 'Some datagrams of the flow have an earlier timestamp than the one before; they were counted at the earlier one\u2019s time.', d.offset);
        at = m.lastAt;
      }
      m.lastAt = at;
      // The first datagrams may be held by format detection: copy them off the file's read buffer.
      const payload = m.flow.packets <= DETECTION_COPIES ? d.payload.slice() : d.payload;
      m.monitor.onPacket(at, payload, m.from);
    }
    this.options.onDatagram?.(d, flow);
  }
}

/** One line about a flow, for lists and errors. */
export function flowLine(f: UdpFlow): string {
  return `${f.id} (${f.packets} datagrams, ${f.bytes} bytes)`;
}

function structuredCloneStats(s: FragmentStats): FragmentStats {
  return { ...s, lost: { ...s.lost } };
}
