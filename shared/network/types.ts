/**
 * The network context as Gapscope sees it, in one shape for every OS: interfaces, routes, Wi-Fi
 * and socket counts. Platform parsers fill it, the watcher samples it, `diffSnapshots` turns two
 * samples into events in the user's words.
 */

/** What an interface is, as a person would say it. */
export type InterfaceKind = 'wifi' | 'ethernet' | 'wifi-or-ethernet' | 'vpn-tunnel' | 'loopback' | 'virtual' | 'other';

/** One address on an interface. */
export interface NetAddress {
  address: string;
  family: 'ipv4' | 'ipv6';
  /** Prefix length (24 for a /24); null when the OS did not say. */
  prefixLength: number | null;
}

/** A network interface with the facts that explain reception problems: the one interface model of every reader, view and command. */
export interface NetInterface {
  name: string;
  kind: InterfaceKind;
  index: number | null;
  mac: string | null;
  /** null = unknown: on Windows the interfaces come from Node's list, which has no MTU (nor flags). */
  mtu: number | null;
  /** Administratively up (IFF_UP). */
  up: boolean;
  /** Carrier / lower layer up (Linux LOWER_UP, macOS "status: active", RUNNING). */
  running: boolean;
  /** The OS's own flag words, e.g. UP, BROADCAST, MULTICAST, LOOPBACK, POINTOPOINT, LOWER_UP; empty when the OS gave none or was not asked (Windows: then mtu is null too). */
  flags: string[];
  addresses: NetAddress[];
  /** The OS's type hint: Linux link_type/info_kind (veth, tun, wireguard, bridge), macOS media. */
  linkKind: string | null;
}

/** One routing-table entry. */
export interface RouteEntry {
  family: 'ipv4' | 'ipv6';
  /** 'default' or a prefix in CIDR form (0.0.0.0/1, 10.0.0.0/24). */
  destination: string;
  gateway: string | null;
  iface: string | null;
  metric: number | null;
  /** Preferred source address, where the OS says. */
  source: string | null;
  flags: string[];
}

/** "Which interface and source address would reach X", from the OS's own route lookup. */
export interface RouteLookup {
  destination: string;
  iface: string | null;
  source: string | null;
  gateway: string | null;
  /** The lookup failed: the OS's message (e.g. "Network is unreachable"). */
  error: string | null;
}

/** The Wi-Fi link as the OS reports it without special privileges, or why it cannot be read. */
export interface WifiState {
  /** False when no tool could be run or no Wi-Fi interface exists; `reason` says which in plain words. */
  available: boolean;
  reason: string | null;
  /** Which tool gave the values (iw, nmcli, airport, system_profiler, wdutil, netsh). */
  source: string | null;
  iface: string | null;
  connected: boolean;
  ssid: string | null;
  bssid: string | null;
  channel: number | null;
  frequencyMHz: number | null;
  rssiDbm: number | null;
  /** Signal as a percentage, where the OS gives only that (netsh, nmcli). */
  signalPercent: number | null;
  noiseDbm: number | null;
  txRateMbps: number | null;
  /** The access point's beacon interval in TU (1.024 ms) and its DTIM period in beacons, where the tool says them (iw link); for the Wi-Fi's rhythm (shared/reception/wifiRhythm.ts). */
  beaconIntervalTu?: number | null;
  dtimPeriod?: number | null;
}

/** System-wide socket counts (of the current network namespace on Linux). */
export interface SocketCounts {
  udp: number;
  tcp: number;
  tcpEstablished: number;
  tcpListen: number;
  tcpTimeWait: number;
}

/** The default route of one family and whether a VPN tunnel holds it. */
export interface DefaultRouteInfo {
  family: 'ipv4' | 'ipv6';
  /** The interface that carries traffic to the internet; null when there is no default route. */
  iface: string | null;
  gateway: string | null;
  /** A tunnel interface that captures all traffic: by the default route or by two half routes (0.0.0.0/1 + 128.0.0.0/1). */
  capturedBy: string | null;
  /** How it captures: 'default' route via the tunnel, or 'split' halves (OpenVPN redirect-gateway def1 style). */
  captureStyle: 'default' | 'split' | null;
}

/** Everything sampled at one instant. */
export interface NetworkSnapshot {
  at: number;
  interfaces: NetInterface[];
  routes: RouteEntry[];
  defaults: DefaultRouteInfo[];
  wifi: WifiState;
  sockets: SocketCounts | null;
  tunnelCount: number;
}

/** One change between two snapshots, ready for the timeline. */
export interface NetworkChange {
  kind:
    | 'interface-added'
    | 'interface-removed'
    | 'interface-up'
    | 'interface-down'
    | 'address-added'
    | 'address-removed'
    | 'address-moved'
    | 'mtu-changed'
    | 'default-route-changed'
    | 'vpn-captured-default'
    | 'vpn-released-default'
    | 'tunnel-count-changed'
    | 'wifi-roamed'
    | 'wifi-ssid-changed'
    | 'wifi-signal-dropped'
    | 'wifi-disconnected'
    | 'wifi-connected';
  severity: 'info' | 'warning';
  summary: string;
  detail: Record<string, unknown>;
}

/** A Wi-Fi state that says plainly why there is nothing to show. */
export function wifiUnavailable(reason: string, source: string | null = null): WifiState {
  return { available: false, reason, source, iface: null, connected: false, ssid: null, bssid: null, channel: null, frequencyMHz: null, rssiDbm: null, signalPercent: null, noiseDbm: null, txRateMbps: null };
}

/** One point of the bounded history: tunnel and socket counts over time. */
export interface NetworkHistoryPoint {
  at: number;
  tunnelCount: number;
  udp: number | null;
  tcp: number | null;
  tcpEstablished: number | null;
}

/** One certificate of the chain the server sent. */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** SHA-256 fingerprint, colon-separated hex. */
  fingerprint256: string;
  /** Subject alternative names as the certificate lists them (DNS:…, IP Address:…). */
  altNames: string | null;
  selfSigned: boolean;
}

/** What a TLS handshake showed, and whether the certificate is trusted and why not. */
export interface TlsReport {
  handshake: 'ok' | 'failed';
  protocol: string | null;
  cipher: string | null;
  chain: CertificateInfo[];
  /** Accepted by the trust that was checked (see `trustSource`). */
  trusted: boolean;
  /** Which trust was checked: the CA the user supplied, or the store this process trusts by default. */
  trustSource: 'supplied-ca' | 'default-store';
  /** OpenSSL's verdict code (e.g. DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED) when not trusted. */
  trustError: string | null;
  /** The certificate names the host that was asked for (or the name given with servername). */
  hostnameMatches: boolean | null;
  hostnameError: string | null;
  /** Accepted by the operating system's own store, where this runtime can read it (null: could not check). */
  systemStoreTrusted: boolean | null;
  /** Plain words: what this means and what to do. */
  explanation: string;
}

/** The result of one TCP (and optionally TLS) connection test. */
export interface ConnectTestResult {
  host: string;
  port: number;
  /** The address actually tried (after name resolution). */
  address: string | null;
  outcome: 'connected' | 'refused' | 'host-unreachable' | 'network-unreachable' | 'timeout' | 'reset' | 'dns-failed' | 'tls-failed' | 'error';
  /** The errno (ECONNREFUSED, EHOSTUNREACH…), or TIMEOUT. */
  errno: string | null;
  /** Time to connect (or to fail), ms. */
  timeMs: number;
  timeoutMs: number;
  explanation: string;
  /** Which interface and source address the OS would use. */
  route: RouteLookup | null;
  localSubnet: boolean;
  /** The macOS Local Network privacy denial pattern was seen. */
  localNetworkPrivacySuspected: boolean;
  tls: TlsReport | null;
  at: number;
}

/** The result of a UDP port-unreachable probe. */
export interface UdpProbeResult {
  host: string;
  port: number;
  address: string | null;
  /** closed: ICMP port unreachable came back; answered: a datagram came back; no-icmp: nothing (open or filtered). */
  outcome: 'closed' | 'answered' | 'no-icmp' | 'network-unreachable' | 'host-unreachable' | 'dns-failed' | 'error';
  errno: string | null;
  timeMs: number;
  probesSent: number;
  explanation: string;
  at: number;
}

/** Whether the interface takes multicast by its flags; null when no flags were read (a join is then left to try). */
export function takesMulticast(i: Pick<NetInterface, 'flags'>): boolean | null {
  return i.flags.length === 0 ? null : i.flags.includes('MULTICAST');
}

/** Whether the interface is this machine's loopback. */
export function isLoopbackInterface(i: Pick<NetInterface, 'kind' | 'flags'>): boolean {
  return i.kind === 'loopback' || i.flags.includes('LOOPBACK');
}

/** An address with its prefix ("10.0.0.2/24"), or null when the prefix length is unknown. */
export function addressCidr(a: NetAddress): string | null {
  return a.prefixLength === null ? null : `${a.address}/${a.prefixLength}`;
}

/** The dotted IPv4 netmask of a prefix length ("255.255.255.0" for 24); null when unknown or not 0-32. */
export function ipv4Netmask(prefixLength: number | null): string | null {
  if (prefixLength === null || !Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 32) return null;
  const bits = prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
  return [24, 16, 8, 0].map((shift) => (bits >>> shift) & 0xff).join('.');
}
