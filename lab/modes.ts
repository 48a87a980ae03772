/**
 * The ways a device's stream reaches an inspector (unicast, broadcast, IPv4/IPv6 multicast,
 * source-specific multicast), described once for the sender, the reference receiver and Gapscope.
 */
import type { LabPair } from './netns';
import type { BareOptions, SenderOptions } from './streams';

/** The reception modes the lab exercises. */
export type ModeName = 'unicast' | 'broadcast' | 'multicast-ipv4' | 'multicast-ipv6' | 'ssm-ipv4';

/** Everything needed to run one stream in a mode. */
export interface StreamSetup {
  mode: ModeName;
  family: 'ipv4' | 'ipv6';
  /** Where and how the device sends (rate, size and duration are added by the caller). */
  sender: Pick<SenderOptions, 'to' | 'also' | 'iface' | 'broadcast' | 'bind'>;
  /** Gapscope's `listen` flags, without --json/--duration/--gap-ms. */
  gapscopeArgs: string[];
  /** The reference receiver beside Gapscope. */
  bare: BareOptions;
  /** The unicast twins' other ports (see lab/nft.ts): the reference receivers listen there. */
  mirrorPorts?: number[];
  /** The multicast group both receivers join, if any. */
  group?: string;
}

/**
 * Builds a mode's setup. Gapscope listens on `port`. For unicast, the reference socket listens on
 * `port + 1`, and with `twins` > 1 further references on `port + 2`…; the sender sends every
 * datagram to all of them.
 */
export function streamSetup(mode: ModeName, pair: LabPair, port: number, subnet: number, twins = 1): StreamSetup {
  const ins = pair.inspector;
  const dev = pair.device;
  switch (mode) {
    case 'unicast': {
      const mirrorPorts = Array.from({ length: twins }, (_, i) => port + 1 + i);
      return {
        mode,
        family: 'ipv4',
        sender: { to: `${ins.ipv4}:${port}`, also: mirrorPorts.map((p) => `${ins.ipv4}:${p}`) },
        gapscopeArgs: ['--port', String(port)],
        bare: { port: port + 1 },
        mirrorPorts,
      };
    }
    case 'broadcast':
      return {
        mode,
        family: 'ipv4',
        sender: { to: `${ins.broadcast}:${port}`, broadcast: true },
        // The broadcast address says "broadcast": only then does Gapscope share the port with the
        // reference socket (a unicast port is never shared, issue #13 item 10).
        gapscopeArgs: ['--port', String(port), '--address', ins.broadcast],
        bare: { port },
      };
    case 'multicast-ipv4': {
      const group = `239.98.${subnet}.1`;
      return {
        mode,
        family: 'ipv4',
        sender: { to: `${group}:${port}`, iface: dev.iface },
        gapscopeArgs: ['--port', String(port), '--group', group, '--iface', ins.iface],
        bare: { port, group, iface: ins.iface },
        group,
      };
    }
    case 'multicast-ipv6': {
      const group = `ff15::98:${subnet.toString(16)}`;
      return {
        mode,
        family: 'ipv6',
        sender: { to: `[${group}]:${port}`, iface: dev.iface },
        gapscopeArgs: ['--port', String(port), '--group', group, '--iface', ins.iface],
        bare: { port, group, iface: ins.iface, ipv6: true },
        group,
      };
    }
    case 'ssm-ipv4': {
      const group = `232.98.${subnet}.1`;
      return {
        mode,
        family: 'ipv4',
        sender: { to: `${group}:${port}`, iface: dev.iface, bind: dev.ipv4 },
        gapscopeArgs: ['--port', String(port), '--group', group, '--source', dev.ipv4, '--iface', ins.iface],
        bare: { port, group, iface: ins.iface, source: dev.ipv4 },
        group,
      };
    }
  }
}

/** All modes, in the order tests run them. */
export const ALL_MODES: ModeName[] = ['unicast', 'broadcast', 'multicast-ipv4', 'multicast-ipv6', 'ssm-ipv4'];
