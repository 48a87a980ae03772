/** Connection-test outcomes explained in plain words, including the macOS Local Network privacy denial pattern. */
import { parseIPv4, parseIPv6, type ReceptionKind } from '../net/address';
import type { NetInterface } from './types';

/** What a connection test ended with. */
export type ConnectOutcome = 'connected' | 'refused' | 'host-unreachable' | 'network-unreachable' | 'timeout' | 'reset' | 'dns-failed' | 'tls-failed' | 'error';

/** True when `address` lies in one of the interfaces' own subnets (a device on the local network). */
export function isOnLocalSubnet(address: string, interfaces: readonly NetInterface[]): boolean {
  const v4 = parseIPv4(address);
  const v6 = v4 ? null : parseIPv6(address);
  for (const i of interfaces) {
    if (i.kind === 'loopback' || i.kind === 'vpn-tunnel') continue;
    for (const a of i.addresses) {
      if (a.prefixLength === null) continue;
      if (v4 && a.family === 'ipv4') {
        const b = parseIPv4(a.address);
        if (b && samePrefix(Uint8Array.from(v4), Uint8Array.from(b), a.prefixLength)) return true;
      } else if (v6 && a.family === 'ipv6') {
        const b = parseIPv6(a.address);
        if (b && samePrefix(v6.bytes, b.bytes, a.prefixLength)) return true;
      }
    }
  }
  return false;
}

function samePrefix(x: Uint8Array, y: Uint8Array, bits: number): boolean {
  for (let i = 0; i < x.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((x[i] ?? 0) & mask) !== ((y[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** What the test knew when it failed, to tell the likely cause. */
export interface ExplainContext {
  platform: string;
  /** The target is in a subnet of one of this machine's interfaces. */
  localSubnet: boolean;
  /** The OS has a route to the target (route lookup succeeded). */
  routeExists: boolean;
  timeoutMs?: number;
}

/** The outcome name for an errno. */
export function outcomeOf(code: string | undefined): ConnectOutcome {
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'EHOSTUNREACH':
    case 'EHOSTDOWN':
      return 'host-unreachable';
    case 'ENETUNREACH':
    case 'ENETDOWN':
    case 'EADDRNOTAVAIL':
      return 'network-unreachable';
    case 'ETIMEDOUT':
    case 'TIMEOUT':
      return 'timeout';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return 'dns-failed';
    default:
      return 'error';
  }
}

/** Where macOS lets the user grant Local Network access. */
export const LOCAL_NETWORK_SETTINGS = 'System Settings > Privacy & Security > Local Network';

/** True for the macOS Local Network privacy denial pattern: EHOSTUNREACH/ENETUNREACH to a local-subnet address while the route exists. */
export function looksLikeLocalNetworkDenial(code: string | undefined, ctx: ExplainContext): boolean {
  return ctx.platform === 'darwin' && (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') && ctx.localSubnet && ctx.routeExists;
}

/** One sentence (or two) saying what the errno means for this target and what to do. */
export function explainConnectError(code: string | undefined, ctx: ExplainContext): string {
  if (looksLikeLocalNetworkDenial(code, ctx)) {
    return `The target is on your local network and a route to it exists, yet macOS answered ${code}: this is how macOS reports that Local Network privacy denied this app. Grant access in ${LOCAL_NETWORK_SETTINGS} (the entry for Gapscope, or the app that fails), then try again.`;
  }
  switch (outcomeOf(code)) {
    case 'refused':
      return 'Connection refused: the host is reachable, but nothing listens on that port (or a firewall rejects it actively). Check that the service runs and listens on this address and port.';
    case 'host-unreachable':
      return ctx.localSubnet
        ? 'Host unreachable: the address is on your local network but no device answered (no ARP/neighbour reply). The device may be off, asleep, on another Wi-Fi network, or isolated from other clients by the access point.'
        : 'Host unreachable: a router on the way said it cannot reach that host (ICMP host unreachable), or no device answered on the last link.';
    case 'network-unreachable':
      return ctx.routeExists
        ? 'Network unreachable although a route exists: the interface for that route is down or has no usable source address.'
        : 'Network unreachable: this machine has no route to that address (no default route, or a VPN or missing interface leaves it without one).';
    case 'timeout':
      return `No answer within ${ctx.timeoutMs ?? '?'} ms: the packets were silently dropped (a firewall that drops instead of rejecting), or the host is unreachable without anyone saying so.`;
    case 'reset':
      return 'The connection was reset: the host accepted and then closed it at once (a service that rejects the client, or a middlebox).';
    case 'dns-failed':
      return 'The name could not be resolved: check the spelling, or the DNS servers in use (gapscope dns resolvers).';
    default:
      return `The connection failed with ${code ?? 'an unknown error'}.`;
  }
}

/** The first macOS (15, Darwin 24) whose Local Network privacy also covers multicast and broadcast reception. */
const FIRST_LOCAL_NETWORK_DARWIN = 24;

/** What a stream that has received nothing knows, to tell whether macOS's Local Network privacy is the likely cause. */
export interface SilentStreamContext {
  platform: string;
  /** os.release(): the Darwin version on macOS (24.x is macOS 15). */
  osRelease: string | null;
  kind: ReceptionKind;
  packets: number;
  listeningMs: number;
}

/** How long a group stays silent before the Local Network question is raised (senders of interest send more often than this). */
export const LOCAL_NETWORK_SILENCE_MS = 5_000;

/**
 * True for the macOS 15+ denial pattern on reception: a multicast or broadcast stream that joined
 * without an error and has heard nothing at all for several seconds. macOS gives the socket no
 * error when Local Network access is denied; it just delivers nothing (and a send answers EHOSTUNREACH).
 */
export function looksLikeLocalNetworkSilence(ctx: SilentStreamContext): boolean {
  if (!ctx.platform.startsWith('darwin') || ctx.kind === 'unicast' || ctx.packets > 0 || ctx.listeningMs < LOCAL_NETWORK_SILENCE_MS) return false;
  const major = Number.parseInt(ctx.osRelease ?? '', 10);
  return !Number.isFinite(major) || major >= FIRST_LOCAL_NETWORK_DARWIN;
}

/** The Local Network cause in the words the reception view shows. */
export function localNetworkSilenceCause(): { code: 'macos-local-network'; text: string; fix: string } {
  return {
    code: 'macos-local-network',
    text: 'Nothing has arrived on this group since it was joined, and macOS 15 and later deliver no multicast or broadcast to an app that Local Network privacy has not allowed, without any error (a send from it fails with EHOSTUNREACH).',
    fix: `Turn Gapscope on in ${LOCAL_NETWORK_SETTINGS}, then stop and start the stream. If Gapscope is not listed, quit it and open it again to get the prompt.`,
  };
}

/**
 * For a sender's send error: the Local Network sentence when macOS refused a send to a device on
 * the local network with EHOSTUNREACH (the denial's other face: a send fails at once where a
 * listener hears nothing); null for any other error, platform or target.
 */
export function sendErrorHint(lastError: string | null, host: string, interfaces: readonly NetInterface[], platform: string): string | null {
  const code = /\b(E[A-Z]{3,})\b/.exec(lastError ?? '')?.[1];
  const ctx: ExplainContext = { platform, localSubnet: isOnLocalSubnet(host, interfaces), routeExists: true };
  return code && looksLikeLocalNetworkDenial(code, ctx) ? explainConnectError(code, ctx) : null;
}
