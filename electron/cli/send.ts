/** `gapscope send`: a traffic generator the user controls, to reproduce a field problem on purpose. */
import { InvalidArgumentError } from 'commander';
import { addressFamily, formatEndpoint } from '../../shared/net/address';
import { averageRate } from '../../shared/generator/sendSchedule';
import type { InterfaceInfo } from '../../shared/contract';
import { SenderConfigSchema } from '../../shared/contract/sender';
import { GapscopeError } from '../../shared/errors';
import { createGenerator } from '../sender/sendSetup';
import type { GeneratorStats, PayloadFormat } from '../sender/trafficGenerator';

/** What `send` was asked on the command line. */
export interface SendOptions {
  to: { host: string; port: number };
  iface?: string;
  ttl?: number;
  rate: string;
  size: number;
  format: PayloadFormat;
  pattern: string;
  duration?: number;
  json?: boolean;
}

/** Parses "10.0.0.2:4000" and "[fd00::2]:4000". */
export function parseDestination(text: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text.trim()) ?? /^([^:]+):(\d+)$/.exec(text.trim());
  const host = m?.[1];
  const port = Number(m?.[2]);
  if (!host || addressFamily(host) === null || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError('--to must be ADDRESS:PORT, e.g. 10.0.0.2:4000 or [fd00::2]:4000.');
  }
  return { host, port };
}

/** Runs the generator until its duration ends or a stop signal; prints a line a second unless --json. */
export async function runSend(o: SendOptions, ifaces: InterfaceInfo[], out: (l: string) => void, stopSignal: Promise<void>): Promise<GeneratorStats & { targetPps: number | null }> {
  const parsed = SenderConfigSchema.safeParse({ host: o.to.host, port: o.to.port, iface: o.iface, ttl: o.ttl, rate: o.rate, size: o.size, format: o.format, pattern: o.pattern, durationSec: o.duration });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GapscopeError('invalid-argument', `--${String(issue?.path[0] ?? 'rate')} ${issue?.message ?? 'is not valid'}.`);
  }
  const { generator: gen, plan } = createGenerator(parsed.data, ifaces);
  const gdl90 = o.format === 'gdl90';
  const targetPps = gdl90 ? null : averageRate(plan);
  if (!o.json) {
    out(
      gdl90
        ? `Sending a GDL90 receiver's stream to ${formatEndpoint(o.to.host, o.to.port)}: 1 Hz heartbeat, ID, ownship, geometric altitude, 3 traffic targets, 5 Hz AHRS (${o.pattern}; --rate and --size do not apply). Ctrl+C to stop.`
        : `Sending ${o.size}-byte datagrams to ${formatEndpoint(o.to.host, o.to.port)} at ${Math.round(plan.packetsPerSec)} packets/s (${o.pattern}). Ctrl+C to stop.`,
    );
  }
  let last = 0;
  const ticker = o.json
    ? null
    : setInterval(() => {
        const s = gen.stats();
        out(`${(s.elapsedMs / 1000).toFixed(0).padStart(5)} s  ${String(s.sent - last).padStart(7)} pkt/s  total ${s.sent}${s.errors ? `  errors ${s.errors} (${s.lastError})` : ''}`);
        last = s.sent;
      }, 1000);
  const done = gen.start();
  const stats = await Promise.race([done, stopSignal.then(() => gen.stop())]);
  if (ticker) clearInterval(ticker);
  return { ...stats, targetPps };
}
