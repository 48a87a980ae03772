/**
 * Checks of a connection to a device (the Network tab's "Connection test", `gapscope net
 * connect`): a TCP connect with its time and errno explained, an optional TLS handshake with the
 * certificate chain and whether it is trusted (and why not), and a UDP port-unreachable probe.
 * Each says which interface and source address the OS used.
 */
import { lookup } from 'node:dns/promises';
import { createSocket } from 'node:dgram';
import { isIP, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import * as tls from 'node:tls';
import { explainConnectError, isOnLocalSubnet, looksLikeLocalNetworkDenial, outcomeOf } from '../../shared/network/explain';
import type { CertificateInfo, ConnectTestResult, NetInterface, RouteLookup, TlsReport, UdpProbeResult } from '../../shared/network/types';
import { SystemNetwork } from './systemNetwork';

/** What to test. */
export interface ConnectionCheckOptions {
  host: string;
  port: number;
  tls?: boolean;
  timeoutMs?: number;
  /** PEM CA certificate(s) to trust instead of the default store (the "supplied CA" check). */
  ca?: string;
  /** The name to ask for in SNI and to check the certificate against (default: host). */
  servername?: string;
  reader?: SystemNetwork;
}

interface Resolved {
  address: string | null;
  errno: string | null;
  route: RouteLookup | null;
  interfaces: NetInterface[];
}

async function resolveAndRoute(host: string, reader: SystemNetwork): Promise<Resolved> {
  let address: string | null = isIP(host) ? host : null;
  if (!address) {
    try {
      address = (await lookup(host)).address;
    } catch (e) {
      return { address: null, errno: (e as NodeJS.ErrnoException).code ?? 'ENOTFOUND', route: null, interfaces: [] };
    }
  }
  const [route, interfaces] = await Promise.all([reader.routeTo(address), reader.interfaces().catch(() => [])]);
  return { address, errno: null, route, interfaces };
}

function tcpConnect(address: string, port: number, timeoutMs: number): Promise<{ socket: Socket | null; errno: string | null; timeMs: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const socket = new Socket();
    const done = (errno: string | null): void => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.removeAllListeners('connect');
      if (errno) socket.destroy();
      resolve({ socket: errno ? null : socket, errno, timeMs: performance.now() - t0 });
    };
    const timer = setTimeout(() => done('TIMEOUT'), timeoutMs);
    socket.once('connect', () => done(null));
    socket.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? 'EIO'));
    socket.connect({ host: address, port });
  });
}

function certInfo(c: tls.PeerCertificate): CertificateInfo {
  const name = (o: unknown): string => {
    if (!o || typeof o !== 'object') return '';
    return Object.entries(o as Record<string, string | string[]>)
      .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
      .join(', ');
  };
  const subject = name(c.subject);
  const issuer = name(c.issuer);
  return { subject, issuer, validFrom: c.valid_from, validTo: c.valid_to, fingerprint256: c.fingerprint256, altNames: c.subjectaltname ?? null, selfSigned: subject === issuer };
}

function chainOf(s: tls.TLSSocket): CertificateInfo[] {
  const chain: CertificateInfo[] = [];
  let c: tls.DetailedPeerCertificate | null = s.getPeerCertificate(true);
  const seen = new Set<string>();
  while (c && c.fingerprint256 && !seen.has(c.fingerprint256) && chain.length < 10) {
    seen.add(c.fingerprint256);
    chain.push(certInfo(c));
    c = c.issuerCertificate ?? null;
  }
  return chain;
}

/** The reason code OpenSSL gave (Node puts it in `code`, older versions only in the message). */
function verifyCode(err: unknown): string | null {
  if (!err) return null;
  const e = err as { code?: string; message?: string };
  return e.code ?? e.message ?? String(err);
}

/** Plain words for a trust verdict. */
export function explainTrust(r: Pick<TlsReport, 'trusted' | 'trustError' | 'trustSource' | 'hostnameMatches' | 'hostnameError' | 'systemStoreTrusted' | 'chain'>): string {
  const store = r.trustSource === 'supplied-ca' ? 'the CA you supplied' : "this app's trust store (Node's bundled Mozilla list plus NODE_EXTRA_CA_CERTS)";
  const parts: string[] = [];
  if (r.trusted) parts.push(`The certificate chain is trusted by ${store}.`);
  else {
    switch (r.trustError) {
      case 'DEPTH_ZERO_SELF_SIGNED_CERT':
        parts.push(`Not trusted by ${store}: the server presents a self-signed certificate. Browsers with an exception and tools run with "insecure" (curl -k) accept it; an app that verifies certificates refuses it unless that exact certificate is pinned or installed as trusted.`);
        break;
      case 'SELF_SIGNED_CERT_IN_CHAIN':
        parts.push(`Not trusted by ${store}: the chain ends in a private CA ("${r.chain[r.chain.length - 1]?.subject ?? '?'}") that this store does not contain. Install that CA where the failing app looks (the OS store, or NODE_EXTRA_CA_CERTS for Node-based tools).`);
        break;
      case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      case 'UNABLE_TO_GET_ISSUER_CERT':
        parts.push(`Not trusted by ${store}: the issuer of the server's certificate is unknown. Either the server does not send its intermediate certificate (browsers often fetch it themselves and work, apps and command-line tools fail), or it is signed by a private CA that is not installed.`);
        break;
      case 'CERT_HAS_EXPIRED':
        parts.push(`Not trusted: the certificate has expired (valid until ${r.chain[0]?.validTo ?? '?'}). Check the device's certificate, and this machine's clock.`);
        break;
      case 'CERT_NOT_YET_VALID':
        parts.push(`Not trusted: the certificate is not valid yet (from ${r.chain[0]?.validFrom ?? '?'}); one of the two clocks (device or this machine) is wrong.`);
        break;
      default:
        parts.push(`Not trusted by ${store}: ${r.trustError ?? 'unknown reason'}.`);
    }
  }
  if (r.hostnameMatches === false) parts.push(`The certificate does not name this host: ${r.hostnameError ?? 'name mismatch'}. Connect by the name the certificate lists, or fix the certificate's subject alternative names.`);
  if (r.trustSource === 'default-store') {
    if (r.systemStoreTrusted === null) parts.push("The operating system's own trust store could not be read by this runtime, so it was not checked: a CA installed only there makes browsers and curl succeed while apps with their own list fail.");
    else if (r.systemStoreTrusted !== r.trusted) parts.push(`The operating system's store ${r.systemStoreTrusted ? 'accepts' : 'rejects'} it while this app's store ${r.trusted ? 'accepts' : 'rejects'} it: the "works in one tool but not in my app" case.`);
  }
  return parts.join(' ');
}

async function tlsHandshake(socket: Socket, servername: string, timeoutMs: number, ca: string | undefined): Promise<{ report: TlsReport | null; errno: string | null }> {
  return new Promise((resolve) => {
    // `host` is the name Node checks the certificate against (it would be 'localhost' on a bare socket).
    const s = tls.connect({ socket, host: servername, servername: isIP(servername) ? undefined : servername, rejectUnauthorized: false, ca: ca ? [ca] : undefined });
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ report: null, errno: 'TIMEOUT' });
    }, timeoutMs);
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      s.destroy();
      resolve({ report: null, errno: e.code ?? 'EPROTO' });
    });
    s.once('secureConnect', () => {
      clearTimeout(timer);
      const peer = s.getPeerCertificate(true);
      const idErr = peer && Object.keys(peer).length > 0 ? tls.checkServerIdentity(servername, peer) : new Error('no certificate');
      // Trust of the chain and the host name are reported apart: Node folds a name mismatch into authorizationError.
      const code = s.authorized ? null : verifyCode(s.authorizationError);
      const chainTrusted = s.authorized || code === 'ERR_TLS_CERT_ALTNAME_INVALID';
      const base = {
        trusted: chainTrusted,
        trustError: chainTrusted ? null : code,
        trustSource: ca ? ('supplied-ca' as const) : ('default-store' as const),
        hostnameMatches: idErr ? false : true,
        hostnameError: idErr ? idErr.message : null,
        systemStoreTrusted: null,
        chain: chainOf(s),
      };
      const report: TlsReport = { handshake: 'ok', protocol: s.getProtocol() ?? null, cipher: s.getCipher()?.name ?? null, ...base, explanation: explainTrust(base) };
      s.end();
      s.destroy();
      resolve({ report, errno: null });
    });
  });
}

/**
 * Whether the OS's own trust store accepts the server's chain: a second handshake trusting only
 * the system store. Node can read that store from 22.15 / 23.5 on (tls.getCACertificates);
 * older runtimes give null ("could not check").
 */
async function systemStoreVerdict(address: string, port: number, servername: string, timeoutMs: number): Promise<boolean | null> {
  const read = (tls as unknown as { getCACertificates?: (which: string) => string[] }).getCACertificates;
  if (!read) return null;
  let ca: string[];
  try {
    ca = read('system');
  } catch {
    return null;
  }
  const c = await tcpConnect(address, port, timeoutMs);
  if (!c.socket) return null;
  const t = await tlsHandshake(c.socket, servername, timeoutMs, ca.join('\n'));
  return t.report ? t.report.trusted : null;
}

/** TCP connect to host:port (and TLS if asked), with time, errno and a plain explanation. */
export async function checkConnection(opts: ConnectionCheckOptions): Promise<ConnectTestResult> {
  const reader = opts.reader ?? new SystemNetwork();
  const timeoutMs = opts.timeoutMs ?? 3000;
  const at = Date.now();
  const r = await resolveAndRoute(opts.host, reader);
  const base = { host: opts.host, port: opts.port, address: r.address, timeoutMs, route: r.route, at, tls: null };
  const localSubnet = r.address ? isOnLocalSubnet(r.address, r.interfaces) : false;
  const ctx = { platform: reader.platform, localSubnet, routeExists: !!r.route && !r.route.error, timeoutMs };
  if (!r.address) {
    return { ...base, outcome: 'dns-failed', errno: r.errno, timeMs: 0, explanation: explainConnectError(r.errno ?? 'ENOTFOUND', ctx), localSubnet, localNetworkPrivacySuspected: false };
  }
  const c = await tcpConnect(r.address, opts.port, timeoutMs);
  if (!c.socket) {
    return {
      ...base,
      outcome: outcomeOf(c.errno ?? undefined),
      errno: c.errno,
      timeMs: round(c.timeMs),
      explanation: explainConnectError(c.errno ?? undefined, ctx),
      localSubnet,
      localNetworkPrivacySuspected: looksLikeLocalNetworkDenial(c.errno ?? undefined, ctx),
    };
  }
  const connected = { ...base, errno: null, timeMs: round(c.timeMs), localSubnet, localNetworkPrivacySuspected: false };
  if (!opts.tls) {
    c.socket.destroy();
    return { ...connected, outcome: 'connected', explanation: `Connected in ${round(c.timeMs)} ms${r.route?.iface ? ` through ${r.route.iface}${r.route.source ? ` from ${r.route.source}` : ''}` : ''}.` };
  }
  const t = await tlsHandshake(c.socket, opts.servername ?? opts.host, timeoutMs, opts.ca);
  if (!t.report) {
    return {
      ...connected,
      outcome: 'tls-failed',
      errno: t.errno,
      explanation: t.errno === 'TIMEOUT' ? `TCP connected, but the TLS handshake got no answer within ${timeoutMs} ms: the service on this port may not speak TLS.` : `TCP connected, but the TLS handshake failed (${t.errno}): the service on this port may not speak TLS, or it refused every protocol version and cipher offered.`,
      tls: { handshake: 'failed', protocol: null, cipher: null, chain: [], trusted: false, trustSource: opts.ca ? 'supplied-ca' : 'default-store', trustError: t.errno, hostnameMatches: null, hostnameError: null, systemStoreTrusted: null, explanation: 'No handshake, so no certificate to check.' },
    };
  }
  if (!opts.ca) {
    const sys = await systemStoreVerdict(r.address, opts.port, opts.servername ?? opts.host, timeoutMs);
    if (sys !== null) {
      t.report.systemStoreTrusted = sys;
      t.report.explanation = explainTrust(t.report);
    }
  }
  return { ...connected, outcome: 'connected', explanation: `Connected in ${round(c.timeMs)} ms; TLS ${t.report.protocol ?? ''} with ${t.report.cipher ?? '?'}. ${t.report.explanation}`, tls: t.report };
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

/** What to probe. */
export interface UdpProbeOptions {
  host: string;
  port: number;
  timeoutMs?: number;
  /** Datagrams to send, spread over the timeout (default 3). */
  probes?: number;
}

/**
 * Sends small datagrams from a connected UDP socket: an ICMP port unreachable comes back as
 * ECONNREFUSED on the socket (closed port); silence until the timeout means "open or filtered".
 */
export async function udpProbe(opts: UdpProbeOptions): Promise<UdpProbeResult> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const probes = opts.probes ?? 3;
  const at = Date.now();
  let address: string | null = isIP(opts.host) ? opts.host : null;
  if (!address) {
    try {
      address = (await lookup(opts.host)).address;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'ENOTFOUND';
      return { host: opts.host, port: opts.port, address: null, outcome: 'dns-failed', errno: code, timeMs: 0, probesSent: 0, explanation: 'The name could not be resolved.', at };
    }
  }
  const target = address;
  return new Promise((resolve) => {
    const sock = createSocket(isIP(target) === 6 ? 'udp6' : 'udp4');
    const t0 = performance.now();
    let sent = 0;
    let finished = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (outcome: UdpProbeResult['outcome'], errno: string | null, explanation: string): void => {
      if (finished) return;
      finished = true;
      timers.forEach(clearTimeout);
      sock.close();
      resolve({ host: opts.host, port: opts.port, address: target, outcome, errno, timeMs: round(performance.now() - t0), probesSent: sent, explanation, at });
    };
    sock.on('error', (e: NodeJS.ErrnoException) => {
      const code = e.code ?? 'EIO';
      if (code === 'ECONNREFUSED') finish('closed', code, 'ICMP port unreachable came back: the host is reachable and nothing listens on this UDP port.');
      else if (code === 'ENETUNREACH') finish('network-unreachable', code, 'Network unreachable: this machine has no route to that address.');
      else if (code === 'EHOSTUNREACH') finish('host-unreachable', code, 'Host unreachable: no device answered at that address.');
      else finish('error', code, `The probe failed with ${code}.`);
    });
    sock.on('message', () => finish('answered', null, 'A datagram came back: something listens on this UDP port and answers.'));
    sock.connect(opts.port, target, () => {
      const send = (): void => {
        if (finished) return;
        sent++;
        sock.send(Buffer.from('gapscope udp probe'), (err) => {
          if (err) sock.emit('error', err);
        });
      };
      for (let i = 0; i < probes; i++) timers.push(setTimeout(send, (i * timeoutMs) / (probes + 1)));
      timers.push(setTimeout(() => finish('no-icmp', null, `No ICMP port unreachable within ${timeoutMs} ms: the port is open (and silent) or a firewall drops the probes.`), timeoutMs));
    });
  });
}
