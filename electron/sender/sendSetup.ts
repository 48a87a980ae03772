/** Turns a sender config, as the contract checked it (from the Send panel or `gapscope send`), into a TrafficGenerator. */
import { Gdl90Scenario } from '../../shared/generator/gdl90Scenario';
import { randomInt } from 'node:crypto';
import { parsePattern, parseRate, type SendPlan } from '../../shared/generator/sendSchedule';
import { PAIRED_MIN_SIZE } from '../../shared/generator/pairing';
import { sweepValues, stepRate, type SweepPlan } from '../../shared/generator/sweep';
import type { NetInterface } from '../../shared/network/types';
import { configSweep, type SenderConfig, type SenderSweep } from '../../shared/contract/sender';
import { GapscopeError } from '../../shared/errors';
import { addressFamily, isMulticast } from '../../shared/net/address';
import { findInterface } from '../reception/socketPlan';
import { payloadWriter, TrafficGenerator } from './trafficGenerator';

/** The multicast interface argument Node expects: an IPv4 address, or "::%name" for IPv6. */
export function multicastInterfaceFor(host: string, iface: string | undefined, ifaces: NetInterface[]): string | undefined {
  if (!iface || !isMulticast(host)) return undefined;
  const found = findInterface(iface, ifaces);
  if (!found) throw new GapscopeError('no-such-interface', `No interface "${iface}" on this machine (interfaces: ${ifaces.map((i) => i.name).join(', ')}).`);
  if (addressFamily(host) === 'ipv6') return `::%${found.name}`;
  const v4 = found.addresses.find((a) => a.family === 'ipv4');
  if (!v4) throw new GapscopeError('address-not-available', `Interface ${found.name} has no IPv4 address to send multicast from.`);
  return v4.address;
}

/** The plan of a config the contract's schema accepted (a rate the schema refuses cannot reach here); GDL90 keeps its own timing. */
export function toPlan(c: Pick<SenderConfig, 'rate' | 'size' | 'pattern' | 'format'>): SendPlan {
  const pattern = parsePattern(c.pattern);
  const pps = c.format === 'gdl90' ? 1 : parseRate(c.rate, c.size);
  if (!pattern || pps === null) throw new Error(`unchecked sender config: rate ${c.rate}, pattern ${c.pattern}`);
  return { packetsPerSec: pps, size: c.size, pattern };
}

/** Whether a config's datagrams carry the sender's account: asked for, or (unasked) whenever the seq format has room. */
export function pairs(c: Pick<SenderConfig, 'pair' | 'format' | 'size' | 'sweep'>): boolean {
  return c.pair !== false && c.format === 'seq' && (c.size >= PAIRED_MIN_SIZE || c.sweep !== undefined);
}

/** What a sweep will do, before any step has begun. */
export function sweepOutline(plan: SendPlan, sweep: SweepPlan, stepSec: number): SenderSweep {
  return { kind: sweep.kind, stepSec, values: sweepValues(sweep), ratesPps: sweepValues(sweep).map((_, k) => stepRate(plan, sweep, k, stepSec * 1000)), steps: [] };
}

/** A generator for a validated sender config (not started); run is the account's run id (random by default). */
export function createGenerator(c: SenderConfig, ifaces: NetInterface[], now: () => number = Date.now, run: number = randomInt(0, 2 ** 32 - 1)): { generator: TrafficGenerator; plan: SendPlan; run: number | null; sweep: SweepPlan | null } {
  const plan = toPlan(c);
  const sweep = configSweep(c);
  const paired = pairs(c);
  const generator = new TrafficGenerator({
    host: c.host,
    port: c.port,
    plan,
    durationMs: sweep ? sweep.steps * c.stepSec * 1000 : c.durationSec !== undefined ? c.durationSec * 1000 : undefined,
    ...(paired ? { account: { run } } : {}),
    ...(sweep ? { sweep: { plan: sweep, stepMs: c.stepSec * 1000 } } : {}),
    ttl: c.ttl,
    multicastInterface: multicastInterfaceFor(c.host, c.iface, ifaces),
    payload: c.format === 'gdl90' ? undefined : payloadWriter(c.format),
    timed: c.format === 'gdl90' ? new Gdl90Scenario({ startUtcMs: now() }) : undefined,
  });
  return { generator, plan, run: paired ? run : null, sweep };
}
