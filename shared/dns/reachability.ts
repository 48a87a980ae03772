/**
 * Verdicts from periodic DNS probes: per resolver ("answers in 12 ms", "no answer for 30 s",
 * "refused", "unreachable") and overall ("internet reachable", "local network only — normal on a
 * device's own Wi-Fi"). Pure, so the back end, the CLI and the view reach the same words.
 *
 * What counts as "beyond the LAN": an address outside every private, shared, loopback, link-local,
 * documentation, benchmarking, multicast and reserved range (IPv4: RFC 1918, 100.64/10, 127/8,
 * 169.254/16, 192.0.0/24, 192.0.2/24, 198.18/15, 198.51.100/24, 203.0.113/24, 0/8, 224/3; IPv6:
 * everything outside 2000::/3, and 2001:db8::/32). Carrier-grade NAT space (100.64/10) is not beyond
 * the LAN: VPN overlays such as Tailscale use it too. "Internet reachable" needs one of two proofs from
 * the latest probe of some resolver, each a well-formed answer (NOERROR or NXDOMAIN, the question
 * repeated): a resolver whose own address is beyond the LAN answered (the query crossed the edge and
 * came back), or a resolver answered a public name (not .local, .lan, .home.arpa, .internal, .test…
 * and not single-label) with an address beyond the LAN. The second can come from a local forwarder's
 * cache within the record's TTL: the verdict says which proof it has. A refusal, a SERVFAIL or an
 * unreadable reply from beyond the LAN proves only that its host (or whatever answers in its name on
 * the way: a captive portal, a DNS-intercepting router) is reachable, and the verdict says just that.
 */
import { parseIPv4, parseIPv6 } from '../net/address';
import type { DnsOutcomeKind, DnsProbeResult } from './probeTypes';

/** Where an address lies, as far as "beyond the LAN" is concerned. */
export type AddressReach = 'public' | 'private' | 'shared' | 'loopback' | 'link-local' | 'special' | 'invalid';

function v4Reach([a, b, c]: [number, number, number, number]): AddressReach {
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 100 && b >= 64 && b <= 127) return 'shared';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 0 || a >= 224) return 'special';
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return 'special';
  if (a === 198 && (b === 18 || b === 19)) return 'special';
  if ((a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) return 'special';
  return 'public';
}

/** Classifies an IPv4 or IPv6 address (a %zone is allowed); 'public' means beyond the LAN. */
export function addressReach(text: string): AddressReach {
  const t = String(text).trim();
  const v4 = parseIPv4(t);
  if (v4) return v4Reach(v4);
  const v6 = parseIPv6(t);
  if (!v6) return 'invalid';
  const b = v6.bytes;
  const zeros = (from: number, to: number): boolean => b.subarray(from, to).every((x) => x === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4Reach([b[12]!, b[13]!, b[14]!, b[15]!]);
  if (zeros(0, 15) && b[15] === 1) return 'loopback';
  if (zeros(0, 16)) return 'special';
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) return 'link-local';
  if ((b[0]! & 0xfe) === 0xfc) return 'private';
  if (b[0] === 0xff) return 'special';
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x0d && b[3] === 0xb8) return 'special';
  if ((b[0]! & 0xe0) === 0x20) return 'public';
  return 'special';
}

/** Suffixes of names that only a local network answers (RFC 6761/6762/8375, and common home-router habits). */
export const LOCAL_NAME_SUFFIXES = ['local', 'lan', 'home', 'home.arpa', 'internal', 'intranet', 'corp', 'private', 'localdomain', 'localhost', 'test', 'example', 'invalid', 'in-addr.arpa', 'ip6.arpa'] as const;

/** Whether a name belongs to the public DNS: at least two labels and no local-only suffix. */
export function isPublicName(name: string): boolean {
  const n = String(name).trim().toLowerCase().replace(/\.$/, '');
  if (n === '' || !n.includes('.')) return false;
  return !LOCAL_NAME_SUFFIXES.some((s) => n === s || n.endsWith(`.${s}`));
}

/** One periodic probe of one resolver, as the watch keeps it for the chart and the verdicts. */
export interface WatchSample {
  /** Wall-clock time of the probe, ms since the epoch. */
  at: number;
  kind: DnsOutcomeKind;
  rttMs: number | null;
  rcode: string | null;
  /** The first address beyond the LAN in the answer for a public name, when there is one. */
  publicAddress: string | null;
  /** The reply repeated the question asked (name and type); absent or false: it did not, so it proves only that something replied. */
  echoed?: boolean;
}

/** Turns a probe result into what the watch keeps. */
export function toWatchSample(r: DnsProbeResult, at: number): WatchSample {
  const sample: WatchSample = { at, kind: r.kind, rttMs: r.rttMs, rcode: r.rcode, publicAddress: null, echoed: r.questionEchoed };
  if (isAnswer(sample) && isPublicName(r.name)) {
    const hit = r.answers.find((a) => (a.type === 'A' || a.type === 'AAAA') && addressReach(a.data) === 'public');
    sample.publicAddress = hit ? hit.data : null;
  }
  return sample;
}

/** Whether a probe got a well-formed answer: NOERROR or NXDOMAIN with the question repeated; only that proves a resolver resolves (REFUSED, SERVFAIL, FORMERR or garbage prove only that something replied). */
export function isAnswer(s: Pick<WatchSample, 'kind' | 'rcode' | 'echoed'>): boolean {
  return s.kind === 'answer' && (s.rcode === 'NOERROR' || s.rcode === 'NXDOMAIN') && s.echoed === true;
}

/** Whether a DNS message came back at all (any rcode, even REFUSED or garbage): the resolver is there. */
export function replied(kind: DnsOutcomeKind): boolean {
  return kind === 'answer' || kind === 'refused' || kind === 'malformed';
}

/** The state of one resolver in a few words, with the state that the timeline follows. */
export interface ResolverVerdict {
  server: string;
  /** 'answers': a DNS reply came back (any rcode); 'no-answer': nothing came back; 'unknown': not probed yet. */
  state: 'unknown' | 'answers' | 'no-answer';
  /** "answers in 12 ms", "refused", "no answer for 30 s", "unreachable", "no DNS server on its port". */
  text: string;
  /** A sentence that explains the words to someone who is not a DNS expert. */
  explanation: string;
  /** Where the server lies (beyond the LAN or not). */
  reach: AddressReach;
  /** Since when the current state holds (the first probe of the streak), ms since the epoch. */
  since: number | null;
}

function ms(x: number | null): string {
  if (x === null) return '? ms';
  return `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`;
}

function duration(msTotal: number): string {
  const s = Math.max(0, Math.round(msTotal / 1000));
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m} min` : `${Math.round(m / 60)} h`;
}

/** The verdict for one resolver from its samples (oldest first) at time `now`. */
export function resolverVerdict(server: string, samples: readonly WatchSample[], now: number): ResolverVerdict {
  const reach = addressReach(server.replace(/^\[|\](:\d+)?$|:\d+$/g, ''));
  const last = samples[samples.length - 1];
  if (!last) return { server, state: 'unknown', text: 'not probed yet', explanation: 'The watch has not asked this server yet.', reach, since: null };
  const ok = replied(last.kind);
  let i = samples.length - 1;
  while (i > 0 && replied(samples[i - 1]!.kind) === ok) i--;
  const since = samples[i]!.at;
  const state = ok ? 'answers' : 'no-answer';
  const base = { server, state, reach, since } as const;
  switch (last.kind) {
    case 'answer': {
      const rcode = last.rcode && last.rcode !== 'NOERROR' ? ` ${last.rcode}` : '';
      if (isAnswer(last)) {
        return { ...base, text: `answers${rcode} in ${ms(last.rttMs)}`, explanation: last.rcode === 'NOERROR' ? 'The server answers queries.' : `The server answers: ${last.rcode}, this name does not exist.` };
      }
      if (last.echoed !== true) {
        return { ...base, text: `replies${rcode} without the question in ${ms(last.rttMs)}`, explanation: 'Something replies from the server\'s address, but its reply does not repeat the question asked: it is not an answer to it.' };
      }
      return { ...base, text: `answers${rcode} in ${ms(last.rttMs)}`, explanation: `The server replies with ${last.rcode}: it could not or would not resolve this name, so the reply proves only that the server is there.` };
    }
    case 'refused':
      return { ...base, text: 'refused', explanation: 'The server is there and replies, but refuses this query: it does not serve this name, or not this client.' };
    case 'malformed':
      return { ...base, text: 'answers with garbage', explanation: 'Something replies on the DNS port, but its replies are not valid DNS messages.' };
    case 'timeout':
      return { ...base, text: `no answer for ${duration(now - since)}`, explanation: 'Queries leave but nothing comes back: the server is down, a firewall drops them, or the path loses them.' };
    case 'port-unreachable':
      return { ...base, text: 'no DNS server on its port', explanation: 'The host is reachable but nothing listens on its DNS port (it answered with ICMP port unreachable): the resolver service is not running.' };
    case 'network-unreachable':
      return { ...base, text: 'unreachable', explanation: 'There is no route to the server from this machine (or the host does not answer on the link).' };
    default:
      return { ...base, text: 'socket error', explanation: 'The query could not be sent: a local socket error.' };
  }
}

/** Overall: can this machine reach the internet, as far as DNS can tell? */
export interface Reachability {
  /** 'server-host': a resolver beyond the LAN replied without answering (REFUSED, SERVFAIL, garbage): its host is reachable, the internet is not proven. */
  state: 'unknown' | 'internet' | 'server-host' | 'local-only' | 'no-dns';
  /** "internet reachable", "a resolver's host beyond the LAN replies", "local network only — normal on a device's own Wi-Fi", "no resolver answers". */
  text: string;
  /** What the verdict rests on, in a sentence. */
  because: string;
}

/** The overall verdict from the latest sample of each resolver (server → samples, oldest first). */
export function overallReachability(latest: ReadonlyMap<string, readonly WatchSample[]> | Record<string, readonly WatchSample[]>, askedName: string | null): Reachability {
  const entries = latest instanceof Map ? [...latest.entries()] : Object.entries(latest);
  const lastOf = entries.map(([server, s]) => [server, s[s.length - 1]] as const).filter((e): e is readonly [string, WatchSample] => e[1] !== undefined);
  if (lastOf.length === 0) return { state: 'unknown', text: 'not known yet', because: 'No resolver has been probed yet.' };
  const bare = (s: string): string => s.replace(/^\[|\](:\d+)?$|:\d+$/g, '');
  const beyond = lastOf.filter(([server]) => addressReach(bare(server)) === 'public');
  const publicServer = beyond.find(([, s]) => isAnswer(s));
  if (publicServer) {
    return { state: 'internet', text: 'internet reachable', because: `${publicServer[0]}, a resolver beyond the LAN, answered ${publicServer[1].rcode}${askedName ? ` for ${askedName}` : ''}: queries cross the network's edge and come back.` };
  }
  const publicAnswer = lastOf.find(([, s]) => s.publicAddress !== null && isAnswer(s));
  if (publicAnswer) {
    return {
      state: 'internet',
      text: 'internet reachable',
      because: `${publicAnswer[0]} answered the public name ${askedName ?? ''} with ${publicAnswer[1].publicAddress}, an address beyond the LAN (a local forwarder may answer from its cache within the record's TTL).`.replace('  ', ' '),
    };
  }
  const refusing = beyond.find(([, s]) => replied(s.kind));
  if (refusing) {
    const [server, s] = refusing;
    const what = s.kind === 'malformed' ? 'a reply that is not a valid DNS message' : s.echoed !== true && s.kind === 'answer' ? `a reply that does not repeat the question${s.rcode ? ` (${s.rcode})` : ''}` : s.rcode ?? 'a refusal';
    return {
      state: 'server-host',
      text: "a resolver's host beyond the LAN replies, but no answer",
      because: `${server}, a resolver beyond the LAN, sent ${what}${askedName ? ` for ${askedName}` : ''}: its host is reachable (or something on the way replies in its name, as captive portals and DNS-intercepting routers do), but only a real answer proves that the internet is.`,
    };
  }
  const answering = lastOf.filter(([, s]) => replied(s.kind));
  if (answering.length > 0) {
    const publicAsked = askedName !== null && isPublicName(askedName);
    return {
      state: 'local-only',
      text: "local network only — normal on a device's own Wi-Fi",
      because: publicAsked
        ? `${answering.map(([s]) => s).join(', ')} ${answering.length === 1 ? 'replies' : 'reply'} but gave no public address for ${askedName}: only the local network answers. On a device's own Wi-Fi (a camera, a drone, an ADS-B receiver) that has no internet, this is the normal state.`
        : `${answering.map(([s]) => s).join(', ')} ${answering.length === 1 ? 'replies' : 'reply'}, but the watch asks a local name${askedName ? ` (${askedName})` : ''}: ask a public name such as example.com to learn whether the internet is reachable.`,
    };
  }
  return { state: 'no-dns', text: 'no resolver answers', because: `None of ${lastOf.map(([s]) => s).join(', ')} replied to the latest probe.` };
}

/** A resolver's state changed between two probes: what the shared timeline gets. */
export interface ResolverTransition {
  kind: 'dns-resolver-answers' | 'dns-resolver-silent';
  severity: 'info' | 'warning';
  summary: string;
}

/** The timeline event for a change between answering and not answering, or null when the state holds; `history` is the resolver's samples before `next` (the first probe only reports a resolver that does not answer). */
export function resolverTransition(server: string, history: readonly WatchSample[], next: WatchSample): ResolverTransition | null {
  const nowOk = replied(next.kind);
  const prev = history[history.length - 1];
  if (prev === undefined) {
    return nowOk ? null : { kind: 'dns-resolver-silent', severity: 'warning', summary: `DNS ${server} does not answer (${next.kind})` };
  }
  if (replied(prev.kind) === nowOk) return null;
  if (nowOk) {
    let i = history.length - 1;
    while (i > 0 && !replied(history[i - 1]!.kind)) i--;
    return { kind: 'dns-resolver-answers', severity: 'info', summary: `DNS ${server} answers again in ${ms(next.rttMs)} after ${duration(next.at - history[i]!.at)} without an answer` };
  }
  return { kind: 'dns-resolver-silent', severity: 'warning', summary: `DNS ${server} stopped answering (${next.kind})` };
}

/** Every resolver's recent probes, bounded, with the verdicts and the changes the timeline gets. */
export class DnsWatchHistory {
  private readonly byServer = new Map<string, WatchSample[]>();

  /** Keeps the latest `maxSamples` probes per resolver (720: one hour at one probe every 5 s). */
  constructor(readonly maxSamples = 720) {}

  /** Records one probe; returns the timeline event when the resolver's state changed. */
  add(server: string, sample: WatchSample): ResolverTransition | null {
    let list = this.byServer.get(server);
    if (!list) {
      list = [];
      this.byServer.set(server, list);
    }
    const change = resolverTransition(server, list, sample);
    list.push(sample);
    if (list.length > this.maxSamples) list.splice(0, list.length - this.maxSamples);
    return change;
  }

  /** The servers watched so far, in the order they were first probed. */
  servers(): string[] {
    return [...this.byServer.keys()];
  }

  /** One resolver's samples, oldest first. */
  samples(server: string): readonly WatchSample[] {
    return this.byServer.get(server) ?? [];
  }

  /** The verdict for each resolver at time `now`. */
  verdicts(now: number): ResolverVerdict[] {
    return this.servers().map((s) => resolverVerdict(s, this.samples(s), now));
  }

  /** The overall verdict from each resolver's latest probe of `askedName`. */
  reachability(askedName: string | null): Reachability {
    return overallReachability(this.byServer, askedName);
  }

  /** Forgets everything (a new watch). */
  clear(): void {
    this.byServer.clear();
  }
}
