/** Network: the requests and events of this feature, merged into the one contract in shared/contract/index.ts. */
import { z } from 'zod';
import { parseIPv4, parseIPv6 } from '../net/address';
import type { ConnectTestResult, DefaultRouteInfo, NetworkChange, NetworkHistoryPoint, NetworkSnapshot, RouteEntry, RouteLookup, UdpProbeResult, WifiState } from '../network/types';
import type { SilenceCause } from '../network/windowsFirewall';
import { event, request } from './define';

const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** An IP address (IPv6 with an optional %zone) or a host name; nothing else reaches a socket. */
export const HostSchema = z
  .string()
  .trim()
  .min(1, 'host is empty')
  .max(253)
  .refine((s) => parseIPv4(s) !== null || parseIPv6(s) !== null || HOSTNAME.test(s), { message: 'is not an IP address or host name' });

/** A TCP/UDP port. */
export const PortSchema = z.number().int('port must be a whole number').min(1, 'port must be 1–65535').max(65535, 'port must be 1–65535');

const timeout = (def: number) => z.number().int().min(100, 'timeout must be 100–60000 ms').max(60_000, 'timeout must be 100–60000 ms').default(def);

/** A TCP (and optionally TLS) connection test. */
export const ConnectTestSchema = z
  .object({
    host: HostSchema,
    port: PortSchema,
    tls: z.boolean().default(false),
    timeoutMs: timeout(3000),
    /** Name for SNI and the certificate check, when connecting by address. */
    servername: z.string().trim().max(253).regex(HOSTNAME, 'is not a host name').optional(),
    /** PEM CA certificate(s) to trust instead of the default store. */
    ca: z.string().max(200_000).includes('-----BEGIN CERTIFICATE-----', { message: 'is not a PEM certificate' }).optional(),
  })
  .strict();
/** A UDP port-unreachable probe. */
export const UdpProbeSchema = z
  .object({
    host: HostSchema,
    port: PortSchema,
    timeoutMs: timeout(2000),
    probes: z.number().int().min(1, 'probes must be 1–10').max(10, 'probes must be 1–10').default(3),
  })
  .strict();

/** How often the watcher samples interfaces and routes. */
export const NetworkWatchSchema = z
  .object({ intervalMs: z.number().int().min(100, 'interval must be 100–60000 ms').max(60_000, 'interval must be 100–60000 ms').optional() })
  .strict();

/** The routing table and what it means for the default route. */
export interface RoutesView {
  routes: RouteEntry[];
  defaults: DefaultRouteInfo[];
}

/** "Which interface and source address would reach X", for a name or an address. */
export type RouteToResult = RouteLookup & { host: string };

/** Whether the watcher runs and how often. */
export interface NetworkWatchStatus {
  watching: boolean;
  intervalMs: number;
}

/** A network change as it reaches the UI (also posted to the shared timeline, source 'network'). */
export type NetworkChangeEvent = NetworkChange & { at: number };

/** Tunnel and socket counts over time, and the latest changes. */
export interface NetworkHistory extends NetworkWatchStatus {
  points: NetworkHistoryPoint[];
  changes: NetworkChangeEvent[];
}

/** A stream that has received nothing yet, as the reception view knows it (the door checks it). */
export const SilentStreamSchema = z
  .object({
    kind: z.enum(['unicast', 'broadcast', 'multicast', 'source-specific multicast']),
    packets: z.number().int().min(0),
    listeningMs: z.number().min(0).max(1e12),
  })
  .strict();
/** A stream that has received nothing yet. */
export type SilentStream = z.output<typeof SilentStreamSchema>;

/** Requests of this feature. */
export const networkRequests = {
  /**
   * Why a stream may be receiving nothing, on this machine: macOS's Local Network permission (a
   * silent group on macOS 15+), a Windows Firewall rule that blocks Gapscope or none that allows
   * it, a Public network; [] when none applies. The reception view asks it for a silent stream.
   */
  silenceCauses: request(z.tuple([SilentStreamSchema])).returns<SilenceCause[]>(),
  /**
   * Windows: adds Gapscope's inbound UDP rule after one elevation prompt (for a per-user install,
   * or a rule removed since), and answers what is still in the way of a stream of that kind.
   * Refused elsewhere, and when the person declines the prompt.
   */
  allowInFirewall: request(z.tuple([SilentStreamSchema])).returns<SilenceCause[]>(),
  /** Interfaces (kind, addresses, flags, MTU), routes, default routes with VPN capture, Wi-Fi and socket counts; `fresh` samples now. */
  getNetworkSnapshot: request(z.tuple([z.object({ fresh: z.boolean().optional() }).strict().optional()])).returns<NetworkSnapshot>(),
  /** The routing table, and per family which interface carries the default route and whether a VPN captured it. */
  getRoutes: request(z.tuple([])).returns<RoutesView>(),
  /** Which interface and source address the OS would use to reach a host. */
  routeTo: request(z.tuple([HostSchema.describe('host')])).returns<RouteToResult>(),
  /** The Wi-Fi link now, or in plain words why it cannot be read. */
  getWifi: request(z.tuple([])).returns<WifiState>(),
  /** TCP connect (and TLS handshake) to host:port, explained. */
  connectTest: request(z.tuple([ConnectTestSchema])).returns<ConnectTestResult>(),
  /** UDP port-unreachable detection: closed (ICMP), answered, or no ICMP (open or filtered). */
  udpProbe: request(z.tuple([UdpProbeSchema])).returns<UdpProbeResult>(),
  /** Starts (or re-times) the watcher; it runs from the back end's start unless GAPSCOPE_NETWORK_WATCH=0. */
  startNetworkWatch: request(z.tuple([NetworkWatchSchema.optional()])).returns<NetworkWatchStatus>(),
  /** Pauses the watcher (no more network events until started again). */
  stopNetworkWatch: request(z.tuple([])).returns<NetworkWatchStatus>(),
  /** Tunnel and socket counts over time, and the latest network changes. */
  getNetworkHistory: request(z.tuple([])).returns<NetworkHistory>(),
} as const;

/** Events of this feature. */
export const networkEvents = {
  /** An interface, address, route, tunnel or Wi-Fi change, as soon as the watcher sees it. */
  networkChange: event<NetworkChangeEvent>(),
} as const;
