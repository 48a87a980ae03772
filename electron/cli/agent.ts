/**
 * `gapscope agent`: the back end headless on a field box, with no UI: the streams, DNS probes and
 * Bonjour browsing its config file and flags name, measured continuously and served as
 * Prometheus metrics (/metrics) and JSON reports (/report), behind a bearer token.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { GapscopeApi } from '../../shared/contract';
import { GapscopeError } from '../../shared/errors';
import { readAgentConfig, parseStreamSpec, type AgentConfig } from '../../shared/metrics/agentConfig';
import type { StreamConfigInput } from '../../shared/contract/reception';
import type { MetricsAccess } from '../metrics/metricsRoute';
import { isLoopbackHost } from '../web/access';
import { withBackend } from './backendApi';
import { humanReport } from './listen';
import { intOption, untilSignal } from './options';

/** What `agent` was asked on the command line (each flag overrides or adds to the config file). */
export interface AgentFlags {
  config?: string;
  host?: string;
  port?: number;
  tokenFile?: string;
  allowRemote?: boolean;
  metricsWithoutToken?: boolean;
  stream: StreamConfigInput[];
  dnsServer: string[];
  dnsName?: string;
  dnsInterval?: number;
  browse?: boolean | string[];
  networkWatch: boolean;
  json?: boolean;
}

/** Where the command writes. */
export interface AgentIo {
  out(line: string): void;
  err(line: string): void;
}

function streamOption(text: string, previous: StreamConfigInput[]): StreamConfigInput[] {
  try {
    return [...previous, parseStreamSpec(text)];
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new GapscopeError('invalid-argument', `--config ${file} cannot be read: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new GapscopeError('invalid-argument', `--config ${file} is not JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new GapscopeError('invalid-argument', `--config ${file} must hold one JSON object.`);
  return parsed as Record<string, unknown>;
}

/** The config file with the flags laid over it, checked as one. */
export async function agentConfig(flags: AgentFlags): Promise<AgentConfig> {
  const raw: Record<string, unknown> = flags.config ? await readConfigFile(flags.config) : {};
  const where = flags.config ? `--config ${flags.config}: ` : '';
  if (flags.host !== undefined) raw.host = flags.host;
  if (flags.port !== undefined) raw.port = flags.port;
  if (flags.tokenFile !== undefined) raw.tokenFile = flags.tokenFile;
  if (flags.allowRemote) raw.allowRemote = true;
  if (flags.metricsWithoutToken) raw.metricsWithoutToken = true;
  if (!flags.networkWatch) raw.watchNetwork = false;
  if (flags.stream.length) raw.streams = [...(Array.isArray(raw.streams) ? raw.streams : []), ...flags.stream];
  if (flags.dnsServer.length || flags.dnsName !== undefined || flags.dnsInterval !== undefined) {
    const base = typeof raw.dnsWatch === 'object' && raw.dnsWatch !== null ? (raw.dnsWatch as Record<string, unknown>) : {};
    raw.dnsWatch = { ...base, ...(flags.dnsServer.length ? { servers: flags.dnsServer } : {}), ...(flags.dnsName !== undefined ? { name: flags.dnsName } : {}), ...(flags.dnsInterval !== undefined ? { intervalSec: flags.dnsInterval } : {}) };
  }
  if (flags.browse !== undefined) raw.browse = Array.isArray(flags.browse) ? { types: flags.browse } : flags.browse;
  try {
    const config = readAgentConfig(raw);
    // A token file named in the config file is found beside it.
    if (config.tokenFile && flags.tokenFile === undefined && flags.config) config.tokenFile = resolve(flags.config, '..', config.tokenFile);
    return config;
  } catch (e) {
    throw new GapscopeError('invalid-argument', `${where}${(e as Error).message}`);
  }
}

/** The token from its file: one line of at least 16 visible characters. */
export async function readToken(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new GapscopeError('invalid-argument', `the token file ${file} cannot be read: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const token = text.trim();
  if (!/^[\x21-\x7e]{16,4096}$/.test(token)) throw new GapscopeError('invalid-argument', `the token file ${file} must hold one token of at least 16 visible characters (no spaces), e.g. made with: openssl rand -hex 24`);
  return token;
}

/** Starts what the config names, in order; a refusal names the part of the config it came from. */
async function startParts(api: GapscopeApi, config: AgentConfig): Promise<void> {
  for (const [i, stream] of config.streams.entries()) {
    try {
      await api.startStream(stream);
    } catch (e) {
      throw new GapscopeError(e instanceof GapscopeError ? e.code : 'internal', `stream ${stream.label ?? i + 1} (port ${stream.port}): ${(e as Error).message}`);
    }
  }
  if (config.dnsWatch) {
    try {
      await api.startDnsWatch(config.dnsWatch);
    } catch (e) {
      throw new GapscopeError(e instanceof GapscopeError ? e.code : 'internal', `DNS watch: ${(e as Error).message}`);
    }
  }
  if (config.browse) {
    try {
      await api.startBrowse(config.browse);
    } catch (e) {
      throw new GapscopeError(e instanceof GapscopeError ? e.code : 'internal', `Bonjour browse: ${(e as Error).message}`);
    }
  }
}

/** Registers `gapscope agent`. */
export function registerAgentCommand(program: Command, io: AgentIo): void {
  program
    .command('agent')
    .description('Headless agent: run streams, DNS probes and Bonjour browsing from a config file or flags, and serve them as Prometheus metrics (/metrics) and JSON reports (/report).')
    .option('-c, --config <file.json>', 'config file (JSON; see the README); flags override it and add streams')
    .option('--host <address>', 'address to listen on (default 127.0.0.1)')
    .option('--port <port>', 'TCP port for /metrics (default 9477; 0: any free port)', intOption('--port', 0, 65535))
    .option('--token-file <file>', 'file holding the bearer token scrapers send (default: a random token, printed at start)')
    .option('--allow-remote', 'allow a non-loopback --host (Prometheus on another machine)')
    .option('--metrics-without-token', 'serve /metrics and /report to anyone who can reach them: only on a private network you trust')
    .option('--stream <spec>', 'a stream to listen to: PORT, or port=N,group=ADDR,address=ADDR,iface=NAME,source=ADDR,family=ipv4|ipv6,label=TEXT,decode=FORMAT,gap-ms=N,bin=N,recv-buffer=N (repeatable)', streamOption, [])
    .option('--dns-server <address>', 'probe this resolver periodically (repeatable; default with --dns-name: the system\u2019s)', (t: string, p: string[]) => [...p, t], [])
    .option('--dns-name <name>', 'name the DNS probes ask (default example.com)')
    .option('--dns-interval <seconds>', 'seconds between DNS probes (default 5)', (t: string) => (t.trim() === '' ? Number.NaN : Number(t)))
    .option('--browse [types]', 'browse Bonjour (mDNS): every service type, or these (comma-separated)', (t: string) => t.split(',').map((s) => s.trim()).filter(Boolean))
    .option('--no-network-watch', 'do not watch interfaces, routes and Wi-Fi (no gapscope_network_changes_total)')
    .option('--json', 'print {"url", "host", "port"} as JSON once listening, and every stream\u2019s report as JSON at the end')
    .action(async (flags: AgentFlags) => {
      const config = await agentConfig(flags);
      if (!isLoopbackHost(config.host) && !config.allowRemote) {
        throw new GapscopeError('invalid-argument', `--host ${config.host} is reachable from other machines; add --allow-remote (or "allowRemote": true) if that is what you want.`);
      }
      // The API always needs a token; --metrics-without-token opens only the read-only routes.
      const fromFile = config.tokenFile ? await readToken(config.tokenFile) : null;
      const token = fromFile ?? randomBytes(24).toString('base64url');
      const generated = fromFile ? null : token;
      const access: MetricsAccess = config.metricsWithoutToken ? { open: true } : { token };
      if (config.metricsWithoutToken) io.err('gapscope: WARNING: /metrics and /report are served without a token: anyone who can reach this port reads them.');
      const signal = untilSignal();
      try {
        await withBackend(
          program,
          async (backend) => {
            // The agent's server and metrics are loaded only when the agent runs, not at every CLI start.
            const [{ inProcessApi }, { agentReport, startAgentServer }, { feedMetrics }] = await Promise.all([import('../kernel/inProcessApi'), import('../metrics/agentServer'), import('../metrics/metricsFeed')]);
            const api = inProcessApi(backend);
            const feed = await feedMetrics(api);
            try {
              await startParts(api, config);
              const server = await startAgentServer({ api, metrics: feed.metrics, access, host: config.host, port: config.port, backend, apiToken: token, log: (line) => io.err(`gapscope: ${line}`) });
              const shown = server.host.includes(':') ? `[${server.host}]` : server.host;
              const url = `http://${shown}:${server.port}/metrics`;
              if (flags.json) io.out(JSON.stringify({ url, host: server.host, port: server.port, streams: feed.metrics.streamLabels(), ...(generated ? { token: generated } : {}) }));
              else io.out(`Gapscope agent: Prometheus metrics at ${url}${generated ? `\nBearer token (this run only; use --token-file to keep one): ${generated}` : ''}\n(Ctrl+C to stop)`);
              await signal.stopped;
              await server.close();
              for (const s of await api.listStreams()) if (s.status === 'listening' || s.status === 'starting') await api.stopStream(s.id);
              // The streams' final reports: the journal's (or docker logs') last words on the run.
              const report = await agentReport(api, feed.metrics);
              if (flags.json) io.out(JSON.stringify(report));
              else for (const s of report.streams) io.out([`${s.stream}:`, ...humanReport(s.report).map((l) => `  ${l}`)].join('\n'));
            } finally {
              feed.close();
            }
          },
          config.watchNetwork,
        );
      } finally {
        signal.cancel();
      }
    });
}
