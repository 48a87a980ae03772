/** `gapscope send`: a traffic generator the user controls, to reproduce a field problem on purpose. */
import { InvalidArgumentError } from 'commander';
import { addressFamily, formatEndpoint, isMulticast } from '../../shared/net/address';
import { averageRate, parsePattern, parseRate, type SendPlan } from '../../shared/generator/sendSchedule';
import type { InterfaceInfo } from '../../shared/contract';
import { GapscopeError } from '../../shared/errors';
import { findInterface } from '../udp/socketPlan';
import { payloadWriter, TrafficGenerator, type GeneratorStats, type PayloadFormat } from '../udp/trafficGenerator';

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

/** The multicast interface argument Node expects: an IPv4 address, or "::%name" for IPv6. */
export function multicastInterfaceFor(host: string, iface: string | undefined, ifaces: InterfaceInfo[]): string | undefined {
  if (!iface || !isMulticast(host)) return undefined;
  const found = findInterface(iface, ifaces);
  if (!found) throw new GapscopeError('no-such-interface', `No interface "${iface}" on this machine (interfaces: ${ifaces.map((i) => i.name).join(', ')}).`);
  if (addressFamily(host) === 'ipv6') return `::%${found.name}`;
  const v4 = found.addresses.find((a) => a.family === 'ipv4');
  if (!v4) throw new GapscopeError('address-not-available', `Interface ${found.name} has no IPv4 address to send multicast from.`);
  return v4.address;
}

/** Builds the plan, or a usage error naming the option. */
export function toPlan(o: SendOptions): SendPlan {
  const pps = parseRate(o.rate, o.size);
  if (pps === null) throw new GapscopeError('invalid-argument', `--rate ${o.rate} is not a rate: give packets/s (1000, 1000pps) or a bit rate of payload (2M, 500kbit).`);
  if (pps > 1e6) throw new GapscopeError('invalid-argument', `--rate ${o.rate} is ${Math.round(pps)} packets/s; the generator stops at 1,000,000.`);
  const pattern = parsePattern(o.pattern);
  if (!pattern) throw new GapscopeError('invalid-argument', `--pattern ${o.pattern} is not one of: steady, pause:ON_MS/OFF_MS, burst:N/EVERY_MS, cut-after:BYTES[/PAUSE_MS].`);
  return { packetsPerSec: pps, size: o.size, pattern };
}

/** Runs the generator until its duration ends or a stop signal; prints a line a second unless --json. */
export async function runSend(o: SendOptions, ifaces: InterfaceInfo[], out: (l: string) => void, stopSignal: Promise<void>): Promise<GeneratorStats & { targetPps: number }> {
  const plan = toPlan(o);
  const gen = new TrafficGenerator({
    host: o.to.host,
    port: o.to.port,
    plan,
    durationMs: o.duration !== undefined ? o.duration * 1000 : undefined,
    ttl: o.ttl,
    multicastInterface: multicastInterfaceFor(o.to.host, o.iface, ifaces),
    payload: payloadWriter(o.format),
  });
  const targetPps = averageRate(plan);
  if (!o.json) out(`Sending ${o.size}-byte datagrams to ${formatEndpoint(o.to.host, o.to.port)} at ${Math.round(plan.packetsPerSec)} packets/s (${o.pattern}). Ctrl+C to stop.`);
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
