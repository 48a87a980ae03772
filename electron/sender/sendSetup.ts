/** Turns what the user asks to send (CLI flags or the UI's form) into a running TrafficGenerator. */
import { Gdl90Scenario } from '../../shared/generator/gdl90Scenario';
import { parsePattern, parseRate, type SendPlan } from '../../shared/generator/sendSchedule';
import type { InterfaceInfo } from '../../shared/contract';
import type { SenderConfig } from '../../shared/contract/sender';
import { GapscopeError } from '../../shared/errors';
import { addressFamily, isMulticast } from '../../shared/net/address';
import { findInterface } from '../reception/socketPlan';
import { payloadWriter, TrafficGenerator } from './trafficGenerator';

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

/** Builds the plan, or an error naming the option; GDL90 keeps its own timing and allows only steady or pause. */
export function toPlan(c: Pick<SenderConfig, 'rate' | 'size' | 'pattern' | 'format'>): SendPlan {
  const pattern = parsePattern(c.pattern);
  if (!pattern) throw new GapscopeError('invalid-argument', `--pattern ${c.pattern} is not one of: steady, pause:ON_MS/OFF_MS, burst:N/EVERY_MS, cut-after:BYTES[/PAUSE_MS].`);
  if (c.format === 'gdl90') {
    if (pattern.kind !== 'steady' && pattern.kind !== 'pause') throw new GapscopeError('invalid-argument', `--format gdl90 sends a receiver's own mix at 1 Hz and 5 Hz: only the steady and pause:ON_MS/OFF_MS patterns apply.`);
    return { packetsPerSec: 1, size: c.size, pattern };
  }
  const pps = parseRate(c.rate, c.size);
  if (pps === null) throw new GapscopeError('invalid-argument', `--rate ${c.rate} is not a rate: give packets/s (1000, 1000pps) or a bit rate of payload (2M, 500kbit).`);
  if (pps > 1e6) throw new GapscopeError('invalid-argument', `--rate ${c.rate} is ${Math.round(pps)} packets/s; the generator stops at 1,000,000.`);
  return { packetsPerSec: pps, size: c.size, pattern };
}

/** A generator for a validated sender config (not started). */
export function createGenerator(c: SenderConfig, ifaces: InterfaceInfo[], now: () => number = Date.now): { generator: TrafficGenerator; plan: SendPlan } {
  const plan = toPlan(c);
  const generator = new TrafficGenerator({
    host: c.host,
    port: c.port,
    plan,
    durationMs: c.durationSec !== undefined ? c.durationSec * 1000 : undefined,
    ttl: c.ttl,
    multicastInterface: multicastInterfaceFor(c.host, c.iface, ifaces),
    payload: c.format === 'gdl90' ? undefined : payloadWriter(c.format),
    timed: c.format === 'gdl90' ? new Gdl90Scenario({ startUtcMs: now() }) : undefined,
  });
  return { generator, plan };
}
