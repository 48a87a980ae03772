/**
 * The wire view's lab tests' common parts: tshark as the reference on a namespace's veth, and
 * `gapscope listen --wire beside --json-stream` started until its engine captures, stopped for its
 * report, with every line it printed checked against the published schema.
 */
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GAPSCOPE_BIN } from '../../../lab/gapscope';
import { waitUntil, type LabHost, type LabProcess, type UdpCounters } from '../../../lab/netns';
import { REPO_DIR } from '../../../lab/streams';
import { ListenLineSchema, type ListenLine } from '../../../shared/jsonStream/lines';
import type { GapLocation } from '../../../shared/reception/types';

/** The parts of listen's report that the wire view's tests read. */
export interface WireReport {
  startedAt: string;
  packets: number;
  gaps: { startMs: number; durationMs: number; packetsBefore: number; lostPackets: number | null; cause: string; socketDrops?: number | null; socketDropsScope?: string; suggestedRecvBufferBytes?: number | null; location?: GapLocation }[];
  localStalls: { startMs: number; endMs: number; durationMs: number }[];
  loss: { lost: number | null } | null;
  jitterMs?: number | null;
  stream: { recvBufferGranted: number | null };
  snooping?: { kind: string; summary: string };
  wire?: {
    status: { state: string; engine: string | null; error: { message: string } | null; engineDrops: number | null; querier?: { heard: number; lastFrom: string | null; lastVersion: string | null; lastAtMs: number | null } };
    packets?: number;
    loss?: { lost: number | null } | null;
    gaps?: { startMs: number; durationMs: number }[];
  };
}

/** Packet sockets open in the namespace (capture engines that have at least created theirs). */
export async function packetSockets(host: LabHost): Promise<number> {
  const r = await host.exec('cat', ['/proc/net/packet']);
  return r.stdout.trim().split('\n').length - 1;
}

/** The reference: tshark on the host's veth writing what `filter` takes to a file; count() reads how many frames match a display filter. */
export async function startReference(host: LabHost, p: number, filter = `udp dst port ${p}`): Promise<{ count: (display?: string) => Promise<number>; fields: (display: string, field: string) => Promise<string[]>; stop: () => void; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'gs-wire-ref-'));
  chmodSync(dir, 0o777);
  const file = join(dir, 'ref.pcapng');
  const before = await packetSockets(host);
  const proc = host.spawn('tshark', ['-i', host.iface, '-f', filter, '-w', file, '-q']);
  await waitUntil(async () => (await packetSockets(host)) > before, 'tshark to capture', 20_000);
  const fields = async (display: string, field: string): Promise<string[]> => {
    const r = await host.exec('tshark', ['-r', file, '-Y', display, '-T', 'fields', '-e', field], { allowFailure: true });
    return r.stdout.trim().split('\n').filter(Boolean);
  };
  const count = async (display = `udp.dstport == ${p}`): Promise<number> => (await fields(display, 'frame.number')).length;
  return { count, fields, stop: () => proc.kill('SIGINT'), file };
}

/** A running `gapscope listen --wire beside --json-stream`. */
export interface WireListen {
  proc: LabProcess;
  /** Stops it (SIGINT) and returns its report; every line it printed is then in `lines`. */
  stop(): Promise<WireReport>;
  lines: ListenLine[];
}

/**
 * Starts listen in the namespace (by default on the host's address and port `p`; `target` replaces
 * --address for a group) and resolves once its socket is bound and, when it can, its engine says
 * "capturing": the engine has opened the interface and set its filter (libpcap drops what arrives
 * before its filter, so a packet socket alone is not yet).
 */
export async function startListen(host: LabHost, p: number, extra: string[], opts: { env?: Record<string, string>; runAs?: string[]; engineUp?: boolean; target?: string[] } = {}): Promise<WireListen> {
  const target = opts.target ?? ['--address', host.ipv4];
  const args = [...(opts.runAs ?? []), process.execPath, GAPSCOPE_BIN, 'listen', '--port', String(p), ...target, '--wire', 'beside', '--json-stream', '--duration', '120', '--gap-ms', '100', ...extra];
  const proc = host.spawn(args[0]!, args.slice(1), { cwd: REPO_DIR, env: opts.env });
  await host.waitForUdpSocket(proc.pid, p, 20_000);
  if (opts.engineUp !== false) await proc.waitForLine(/"type":"wire","at":\d+,"state":"capturing"/, 20_000);
  const handle: WireListen = {
    proc,
    lines: [],
    async stop(): Promise<WireReport> {
      proc.kill('SIGINT');
      const r = await proc.exited;
      if (r.code !== 0) throw new Error(`gapscope exited ${r.code ?? r.signal}: ${r.stderr.slice(-1000)}`);
      // Each line is checked against the schema, but kept as printed: the schema leaves out of a
      // report's gaps what it does not describe (their location), which these tests read.
      const raw = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as ListenLine);
      for (const l of raw) ListenLineSchema.parse(l);
      handle.lines = raw;
      const last = raw.at(-1);
      if (last?.type !== 'report') throw new Error(`gapscope listen ended without its report: ${r.stdout.slice(-500)}`);
      return last.report as unknown as WireReport;
    },
  };
  return handle;
}

/** Datagrams the namespace's UDP has taken in (delivered or dropped for a full buffer) since `before`. */
export async function arrivedSince(host: LabHost, before: UdpCounters): Promise<number> {
  const now = await host.udpCounters();
  return now.inDatagrams - before.inDatagrams + (now.rcvbufErrors - before.rcvbufErrors);
}
