/** `gapscope net …`: interfaces, routes, Wi-Fi, route lookups, connection tests and a live watch of network changes. */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { GapscopeError } from '../../shared/errors';
import { kindLabel } from '../../shared/network/kind';
import type { ConnectTestResult, NetInterface, RouteEntry, UdpProbeResult, WifiState } from '../../shared/network/types';
import type { WithApi } from './backendApi';
import { numberArg, numberOption, untilSignal } from './options';
import { EXIT_CONDITION, EXIT_FAILED } from './exitCodes';
import type { NetWatchLine } from '../../shared/jsonStream/lines';
import { lineWriter } from './jsonLines';

/** Where the net commands write; `setExitCode` defaults to process.exitCode (tests pass their own). */
export interface NetCliIO {
  out(line: string): void;
  err(line: string): void;
  setExitCode?(code: number): void;
}

/** How the net commands reach the back end, and what ends a watch early. */
export interface NetCliEnv {
  withApi: WithApi;
  /** Resolves when the user asks to stop a watch early (default: SIGINT or SIGTERM). */
  untilStopped?: () => Promise<void>;
}


/** Splits HOST:PORT ("10.0.0.5:443", "[fd00::1]:443", "printer.local:9100"); the contract checks the host and the port. */
export function parseHostPort(text: string): { host: string; port: number } {
  const t = text.trim();
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(t) ?? /^([^:]+):(\d+)$/.exec(t);
  if (!m?.[1] || !m[2]) throw new InvalidArgumentError(`"${text}" is not HOST:PORT (e.g. 10.0.0.5:443, [fd00::1]:443, printer.local:9100).`);
  return { host: m[1], port: Number(m[2]) };
}

/** One line per interface: name, kind, state, MTU, addresses. */
function interfaceLines(list: NetInterface[]): string[] {
  return list.map((i) => {
    const state = i.up ? (i.running ? 'up' : 'up, no carrier') : 'down';
    const addrs = i.addresses.map((a) => `${a.address}${a.prefixLength !== null ? `/${a.prefixLength}` : ''}`).join(' ');
    return `${i.name.padEnd(14)} ${kindLabel(i.kind).padEnd(18)} ${state.padEnd(15)} ${`mtu ${i.mtu ?? '?'}`.padEnd(10)} ${addrs}`;
  });
}

function routeLine(r: RouteEntry): string {
  return `${r.family === 'ipv4' ? 'IPv4' : 'IPv6'} ${r.destination.padEnd(28)} ${(r.gateway ? `via ${r.gateway}` : 'on-link').padEnd(30)} dev ${r.iface ?? '?'}${r.metric !== null ? ` metric ${r.metric}` : ''}`;
}

/** The text report of the Wi-Fi link. */
function wifiLines(w: WifiState): string[] {
  if (!w.available) return [`Wi-Fi: ${w.reason ?? 'not available'}`];
  if (!w.connected) return [`Wi-Fi (${w.iface ?? '?'}, from ${w.source}): not connected`];
  const v = (x: number | null, unit: string): string => (x === null ? '-' : `${x}${unit}`);
  return [
    `Wi-Fi (${w.iface ?? '?'}, from ${w.source}): ${w.ssid ?? '(SSID hidden by the OS)'} via ${w.bssid ?? '(BSSID not given)'}`,
    `  channel ${v(w.channel, '')}  frequency ${v(w.frequencyMHz, ' MHz')}  RSSI ${v(w.rssiDbm, ' dBm')}  noise ${v(w.noiseDbm, ' dBm')}  signal ${v(w.signalPercent, '%')}  tx rate ${v(w.txRateMbps, ' Mbit/s')}`,
  ];
}

/** The text report of a connection test. */
function connectLines(r: ConnectTestResult): string[] {
  const where = r.route?.iface ? ` via ${r.route.iface}${r.route.source ? ` from ${r.route.source}` : ''}` : r.route?.error ? ` (route: ${r.route.error})` : '';
  const lines = [`${r.host}:${r.port}${r.address && r.address !== r.host ? ` (${r.address})` : ''}: ${r.outcome}${r.errno ? ` (${r.errno})` : ''} in ${r.timeMs} ms${where}`, `  ${r.explanation}`];
  if (r.tls && r.tls.handshake === 'ok') {
    lines.push(`  TLS ${r.tls.protocol ?? '?'}, cipher ${r.tls.cipher ?? '?'}, trusted by ${r.tls.trustSource === 'supplied-ca' ? 'the supplied CA' : 'the default store'}: ${r.tls.trusted ? 'yes' : `no (${r.tls.trustError})`}, names the host: ${r.tls.hostnameMatches ? 'yes' : 'no'}, OS store: ${r.tls.systemStoreTrusted === null ? 'not checked' : r.tls.systemStoreTrusted ? 'accepts' : 'rejects'}`);
    r.tls.chain.forEach((c, i) => {
      lines.push(`  [${i}] ${c.subject}`, `      issuer ${c.issuer}${c.selfSigned ? ' (self-signed)' : ''}`, `      valid ${c.validFrom} – ${c.validTo}`, `      sha256 ${c.fingerprint256}`);
    });
  }
  return lines;
}

function udpLines(r: UdpProbeResult): string[] {
  return [`${r.host}:${r.port}/udp: ${r.outcome}${r.errno ? ` (${r.errno})` : ''} after ${r.timeMs} ms, ${r.probesSent} probes`, `  ${r.explanation}`];
}

/** Adds `net interfaces|routes|wifi|route-to|connect|udp-probe|watch` to the program: each a request of the network contract. */
export function registerNetCommands(program: Command, io: NetCliIO, env: NetCliEnv): Command {
  const { withApi } = env;
  const out = (lines: string | string[]): void => {
    for (const l of Array.isArray(lines) ? lines : [lines]) io.out(l);
  };
  const fail = (code: number): void => {
    if (io.setExitCode) io.setExitCode(code);
    else process.exitCode = code;
  };

  const net = program.command('net').description('Network context: interfaces, routes (and VPNs that capture them), Wi-Fi, connection tests, and a live watch of changes.');

  net
    .command('interfaces')
    .description('List interfaces with kind (Wi-Fi, Ethernet, VPN tunnel, loopback, virtual), state, MTU and addresses.')
    .option('--json', 'print the interfaces as JSON')
    .action(async (opts: { json?: boolean }) => {
      const list = (await withApi((api) => api.getNetworkSnapshot({ fresh: true }))).interfaces;
      out(opts.json ? JSON.stringify(list, null, 2) : interfaceLines(list));
    });

  net
    .command('routes')
    .description('Show the routing table and, per family, which interface carries the default route and whether a VPN captured it (default via a tunnel, or 0.0.0.0/1 + 128.0.0.0/1).')
    .option('--json', 'print {routes, defaults} as JSON')
    .action(async (opts: { json?: boolean }) => {
      const s = await withApi((api) => api.getRoutes());
      if (opts.json) return out(JSON.stringify({ routes: s.routes, defaults: s.defaults }, null, 2));
      const lines = s.defaults.map((d) => `${d.family === 'ipv4' ? 'IPv4' : 'IPv6'} default: ${d.iface ? `${d.iface}${d.gateway ? ` via ${d.gateway}` : ''}` : 'none'}${d.capturedBy ? `  <- VPN ${d.capturedBy} captures all traffic (${d.captureStyle === 'split' ? 'half routes' : 'default route'})` : ''}`);
      out([...lines, '', ...s.routes.map(routeLine)]);
    });

  net
    .command('wifi')
    .description('Show the Wi-Fi link (SSID, BSSID, channel, RSSI, noise, rate) from tools that need no special privileges, or say plainly why it cannot be read.')
    .option('--json', 'print the Wi-Fi state as JSON')
    .action(async (opts: { json?: boolean }) => {
      const w = await withApi((api) => api.getWifi());
      out(opts.json ? JSON.stringify(w, null, 2) : wifiLines(w));
    });

  net
    .command('route-to')
    .description('Which interface, source address and gateway the OS would use to reach HOST (ip route get / route -n get / Find-NetRoute). Sends nothing.')
    .argument('<host>', 'an IP address or host name')
    .option('--json', 'print the lookup as JSON')
    .action(async (host: string, opts: { json?: boolean }) => {
      const r = await withApi((api) => api.routeTo(host));
      if (opts.json) out(JSON.stringify(r));
      else out(r.error ? `${host}: ${r.error}` : `${host}${r.destination !== host ? ` (${r.destination})` : ''}: via ${r.iface ?? '?'}${r.source ? ` from ${r.source}` : ''}${r.gateway ? `, gateway ${r.gateway}` : ', on-link'}`);
      if (r.error) fail(EXIT_FAILED);
    });

  net
    .command('connect')
    .description('TCP connect to HOST:PORT with the time, the errno and what it means (refused, unreachable, silently filtered, macOS Local Network privacy); with --tls also the handshake, certificate chain and trust verdict. Exits 3 when the connection fails.')
    .argument('<host:port>', 'e.g. 10.0.0.5:443, [fd00::1]:443, printer.local:9100', parseHostPort)
    .option('--tls', 'also do a TLS handshake and check the certificate')
    .option('--timeout <ms>', 'give up after this long (100–60000)', numberArg, 3000)
    .option('--ca <file>', 'trust this PEM CA file instead of the default store')
    .option('--servername <name>', 'name for SNI and the certificate check (default: the host given)')
    .option('--json', 'print the result as JSON')
    .action(async (target: { host: string; port: number }, opts: { tls?: boolean; timeout: number; ca?: string; servername?: string; json?: boolean }) => {
      let ca: string | undefined;
      if (opts.ca) {
        try {
          ca = readFileSync(opts.ca, 'utf8');
        } catch (e) {
          throw new GapscopeError('invalid-argument', `Cannot read --ca ${opts.ca}: ${(e as Error).message}`);
        }
      }
      const r = await withApi((api) => api.connectTest({ host: target.host, port: target.port, tls: !!opts.tls || !!ca, timeoutMs: opts.timeout, ca, servername: opts.servername }));
      out(opts.json ? JSON.stringify(r) : connectLines(r));
      if (r.outcome !== 'connected') fail(EXIT_CONDITION);
    });

  net
    .command('udp-probe')
    .description('Send a few UDP datagrams to HOST:PORT from a connected socket: ICMP port unreachable means closed; silence means open or filtered.')
    .argument('<host:port>', 'e.g. 10.0.0.5:5353', parseHostPort)
    .option('--timeout <ms>', 'how long to wait for ICMP (100–60000)', numberArg, 2000)
    .option('--json', 'print the result as JSON')
    .action(async (target: { host: string; port: number }, opts: { timeout: number; json?: boolean }) => {
      const r = await withApi((api) => api.udpProbe({ host: target.host, port: target.port, timeoutMs: opts.timeout }));
      out(opts.json ? JSON.stringify(r) : udpLines(r));
    });

  net
    .command('watch')
    .description('Watch interfaces, addresses, routes, tunnels and Wi-Fi and print each change as it happens (within a second).')
    .option('-d, --duration <seconds>', 'stop after this many seconds (default: until Ctrl+C)', numberOption('--duration', 31 * 24 * 3600))
    .option('--interval <ms>', 'how often to sample interfaces and routes besides the OS change announcements (100–60000)', numberArg, 1000)
    .option('--json', 'print one JSON object per line: {"type":"started",…}, then {"type":"change",at,kind,severity,summary,detail} per change, then {"type":"stopped",…}')
    .option('--json-stream', 'print one JSON object a line: started, a tick each second, a change per change, then the report (docs/schema/net-watch-stream.schema.json)')
    .action(async (opts: { duration?: number; interval: number; json?: boolean; jsonStream?: boolean }) => {
      if (opts.json && opts.jsonStream) throw new GapscopeError('invalid-argument', 'Give either --json or --json-stream, not both.');
      const line = opts.jsonStream ? lineWriter<NetWatchLine>((l) => out(l)) : null;
      const signal = env.untilStopped ? null : untilSignal();
      try {
        await withApi(async (api) => {
          let changes = 0;
          let warnings = 0;
          const offChange = api.on('networkChange', (c) => {
            changes += 1;
            if (c.severity === 'warning') warnings += 1;
            if (line) line({ type: 'change', at: c.at, kind: c.kind, severity: c.severity, summary: c.summary, detail: c.detail });
            else if (opts.json) out(JSON.stringify({ type: 'change', ...c }));
            else out(`${new Date(c.at).toISOString()}  ${c.severity === 'warning' ? 'WARN' : 'info'}  ${c.summary}`);
          });
          await api.startNetworkWatch({ intervalMs: opts.interval });
          const first = await api.getNetworkSnapshot();
          const t0 = Date.now();
          if (line) line({ type: 'started', interfaces: first.interfaces.length, tunnelCount: first.tunnelCount, intervalMs: opts.interval });
          else if (opts.json) out(JSON.stringify({ type: 'started', at: first.at, interfaces: first.interfaces.length, tunnelCount: first.tunnelCount, defaults: first.defaults, wifi: first.wifi }));
          else out(`Watching ${first.interfaces.length} interfaces every ${opts.interval} ms${opts.duration ? ` for ${opts.duration} s` : ' (Ctrl+C to stop)'}.`);
          const ticker = line ? setInterval(() => line({ type: 'tick', elapsedMs: Date.now() - t0, changes }), 1000) : null;
          const stops: Promise<void>[] = [env.untilStopped ? env.untilStopped() : (signal as { stopped: Promise<void> }).stopped];
          let timer: NodeJS.Timeout | null = null;
          if (opts.duration) stops.push(new Promise((r) => (timer = setTimeout(r, opts.duration! * 1000))));
          await Promise.race(stops);
          if (timer) clearTimeout(timer);
          if (ticker) clearInterval(ticker);
          await api.stopNetworkWatch();
          offChange();
          const history = await api.getNetworkHistory();
          if (line) line({ type: 'report', report: { durationMs: Date.now() - t0, changes, warnings } });
          else if (opts.json) out(JSON.stringify({ type: 'stopped', at: Date.now(), changes: history.changes.length, history: history.points }));
          else out(`Stopped after ${history.changes.length} changes.`);
        });
      } finally {
        signal?.cancel();
      }
    });

  return net;
}

