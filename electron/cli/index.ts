/** The `gapscope` command: the back end headless, for scripts, field testers and web mode. */
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { NetInterface } from '../../shared/network/types';
import { GapscopeError } from '../../shared/errors';
import { appVersion } from '../kernel/version';
import { isLoopbackHost, parseAllowedOrigin } from '../web/access';
import { MAX_CLIENTS_LIMIT } from '../web/limits';
import { humanReport, recordOption, runListen, type ListenOptions } from './listen';
import { addressOption, flagForField, intOption, numberArg, numberOption, untilSignal } from './options';
import { backendApi, withBackend } from './backendApi';
import { registerBrowseCommands } from './browse';
import { registerDnsCommands } from './dns';
import { registerAnalyzeCommands } from './analyze';
import { registerExportCommands } from './export';
import { registerNetCommands } from './net';
import { registerSessionCommands } from './sessions';
import { registerSendCommands } from './send';
import { registerAgentCommand } from './agent';
import { EXIT_FAILED, EXIT_USAGE, raiseExitCode } from './exitCodes';
import { announceVerdict, failOnOption } from './verdict';
import type { Verdict } from '../../shared/verdict/conditions';

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);


/** The flags `interfaces` prints, in its own words and order. */
const FLAG_NAMES: [string, string][] = [['LOOPBACK', 'loopback'], ['BROADCAST', 'broadcast'], ['MULTICAST', 'multicast'], ['POINTOPOINT', 'pointToPoint']];

function interfaceLine(i: NetInterface): string {
  const words = i.flags.length === 0 ? null : [i.up ? 'up' : null, i.running ? 'running' : null, ...FLAG_NAMES.map(([word, name]) => (i.flags.includes(word) ? name : null))].filter((w) => w !== null);
  const flags = words ? words.join(',') : '?';
  const addrs = i.addresses.map((a) => `${a.address}${a.prefixLength === null ? '' : `/${a.prefixLength}`}`).join(' ');
  return `${i.name.padEnd(12)} ${`mtu ${i.mtu ?? '?'}`.padEnd(10)} ${flags.padEnd(40)} ${addrs}`;
}

/** Collects --allow-origin values, each checked to be an origin. */
function allowOriginOption(text: string, previous: string[]): string[] {
  try {
    return [...previous, parseAllowedOrigin(text)];
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

/** Builds the program: every command, its flags and its help. */
function buildProgram(): Command {
  const program = new Command('gapscope')
    .description('Gapscope: find the gaps in real-time UDP reception, and the network context around them.')
    .version(appVersion())
    .option('--data-dir <dir>', 'folder for settings and sessions (default: the per-user folder)')
    // One line per error, as scripts and people read it: "gapscope: <what is wrong> (see --help)".
    .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(`gapscope: ${s.replace(/^error: /, '').trimEnd()} (see --help)\n`) });
  const withApi = backendApi(program);

  program
    .command('listen')
    .description('Listen to a UDP stream (unicast, broadcast or multicast) and report throughput, gaps and their periodicity.')
    .requiredOption('-p, --port <port>', 'UDP port to listen on', numberArg)
    .option('-g, --group <group>', 'multicast group to join (IPv4 or IPv6)', addressOption('--group', 'multicast'))
    .option('-a, --address <address>', 'local address to bind (unicast) or broadcast address', addressOption('--address', 'not-multicast'))
    .option('-i, --iface <name|address>', 'interface to join the group on, or to bind to')
    .option('-s, --source <address>', 'source address for source-specific multicast', addressOption('--source', 'not-multicast'))
    .addOption(new Option('--family <family>', 'address family when no address is given').choices(['ipv4', 'ipv6']))
    .option('--bin <ms>', 'throughput bin width, 10 ms to 10 s', numberArg, 100)
    .option('--gap-ms <ms>', 'gap threshold in ms (default: automatic from the stream\u2019s cadence)', numberArg)
    .option('-d, --duration <seconds>', 'stop after this many seconds (default: until Ctrl+C)', numberOption('--duration', 31 * 24 * 3600))
    .option('--expect-bytes-per-sec <n>', 'the sender\u2019s rate in bytes/s, to report received against expected', numberArg)
    .option('--expect-pps <n>', 'the sender\u2019s rate in packets/s', numberArg)
    .option('--recv-buffer <bytes>', 'receive buffer to ask the OS for', numberArg)
    .option('--decode <format>', 'payload format for loss by sequence number: auto, none, iperf2, iperf3, rtp, mavlink, mpegts, gdl90, nmea, seq, or seq:OFFSET:WIDTH:be|le', 'auto')
    .option('--record <file.pcapng>', 'record every packet to this pcapng file (Wireshark opens it), with FILE.json beside it', recordOption)
    .addOption(new Option('--wire <mode>', 'also watch the flow on the wire with dumpcap or tcpdump (beside), or only there (only: a port another program owns)').choices(['beside', 'only']))
    .addOption(new Option('--wire-engine <engine>', 'capture engine for --wire (default: dumpcap, else tcpdump)').choices(['dumpcap', 'tcpdump']))
    .option('--json', 'print one JSON report at the end instead of text')
    .option('--json-stream', 'print one JSON object a line as it runs: a tick each second, gap-started, gap-ended, alert, wire, then the report (docs/schema/listen-stream.schema.json)')
    .addOption(failOnOption('stream'))
    .action(async (opts: ListenOptions) => {
      if (opts.json && opts.jsonStream) throw new GapscopeError('invalid-argument', 'Give either --json (one report at the end) or --json-stream (a line as it runs, the report last), not both.');
      if (opts.group && opts.address) throw new GapscopeError('invalid-argument', 'Give either --group or --address, not both.');
      if (opts.source && !opts.group) throw new GapscopeError('invalid-argument', '--source needs --group (source-specific multicast).');
      const signal = untilSignal();
      try {
        await withApi(async (api) => {
          const { report, info } = await runListen(api, opts, { out, err, liveToErr: process.stderr.isTTY === true }, signal.stopped);
          if (opts.json) out(JSON.stringify(report));
          else if (!opts.jsonStream) for (const l of humanReport(report)) out(l);
          if (report.verdict) announceVerdict(report.verdict as Verdict, err, (c) => raiseExitCode(c));
          if (info.status === 'error' && info.error) {
            err(`gapscope: ${info.error.message}`);
            raiseExitCode(EXIT_FAILED);
          }
        });
      } finally {
        signal.cancel();
      }
    });

  registerSendCommands(program, { out, err, withApi });
  registerDnsCommands(program, { out, err }, { withApi });
  registerBrowseCommands(program, { out, err }, { withApi });
  registerNetCommands(program, { out, err }, { withApi });
  registerAnalyzeCommands(program, withApi);
  registerExportCommands(program, withApi);
  registerSessionCommands(program, { out, err });
  registerAgentCommand(program, { out, err });

  program
    .command('interfaces')
    .description('List network interfaces with their addresses and flags.')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const list = await withApi((api) => api.listInterfaces());
      if (opts.json) out(JSON.stringify(list, null, 2));
      else for (const i of list) out(interfaceLine(i));
    });

  program
    .command('serve')
    .description('Web mode: serve the Gapscope UI and back end to a browser, on 127.0.0.1 with a per-launch token.')
    .option('--port <port>', 'TCP port (default: any free port)', intOption('--port', 0, 65535), 0)
    .option('--host <address>', 'address to listen on (default 127.0.0.1)', '127.0.0.1')
    .option('--allow-remote', 'allow a non-loopback --host: anyone who can reach it and has the URL can drive Gapscope')
    .option('--allow-origin <origin>', 'also accept pages from this origin, e.g. http://inspector.local:8080 (repeatable)', allowOriginOption, [])
    .option('--max-clients <n>', 'browser tabs and other clients at once; more are closed with a sentence (1013) that the page shows', intOption('--max-clients', 1, MAX_CLIENTS_LIMIT), 100)
    .option('--metrics-without-token', 'serve /metrics (Prometheus) without the token: only on a private network you trust')
    .option('--json', 'print {"url", "port", "host"} as JSON once listening')
    .action(async (opts: { port: number; host: string; allowRemote?: boolean; allowOrigin: string[]; maxClients: number; metricsWithoutToken?: boolean; json?: boolean }) => {
      if (!isLoopbackHost(opts.host) && !opts.allowRemote) {
        throw new GapscopeError('invalid-argument', `--host ${opts.host} is reachable from other machines; add --allow-remote if that is what you want.`);
      }
      if (!isLoopbackHost(opts.host)) err(`gapscope: WARNING: serving on ${opts.host}; anyone on that network with the URL (it contains the token) can start and stop streams on this machine.`);
      if (opts.metricsWithoutToken) err('gapscope: WARNING: /metrics is served without a token: anyone who can reach this port reads it.');
      await withBackend(program, async (backend) => {
        // The web server, the metrics feed and the door are loaded only by the command that serves.
        const [{ feedMetrics }, { inProcessApi }, { startWebServer }] = await Promise.all([import('../metrics/metricsFeed'), import('../kernel/inProcessApi'), import('../web/webServer')]);
        const feed = await feedMetrics(inProcessApi(backend));
        const metrics = { families: () => feed.metrics.families(), withoutToken: opts.metricsWithoutToken === true };
        const server = await startWebServer({ backend, staticDir: join(__dirname, '..', 'renderer'), host: opts.host, port: opts.port, allowOrigins: opts.allowOrigin, maxClients: opts.maxClients, metrics });
        if (opts.json) out(JSON.stringify({ url: server.url, urls: server.urls, port: server.port, host: server.host }));
        else out(`Gapscope web mode: open ${server.url}\n${server.urls.slice(1).map((u) => `  or ${u}\n`).join('')}(Ctrl+C to stop)`);
        await untilSignal().stopped;
        await server.close();
        feed.close();
      }, true, true);
    });

  return program;
}

/** Runs the CLI with clear errors: a sentence on stderr, never a stack trace. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  // Nested commands (gapscope dns probe …) need the override too, so usage errors exit 2 everywhere.
  const override = (c: Command): void => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  override(program);
  // The command that ran, so that a refusal about a contract field can name its flag.
  let ran: Command | null = null;
  program.hook('preAction', (_program, actionCommand) => {
    ran = actionCommand;
  });
  // `gapscope … | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
  });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    if (e instanceof GapscopeError) {
      const flag = e.code === 'invalid-argument' ? flagForField(ran, e.field) : null;
      // A sentence that already names its flag ("--flow must be SRC>DST…") is not prefixed with it again.
      err(`gapscope: ${flag && !e.message.includes(flag) ? `${flag}: ` : ''}${e.message}`);
      process.exitCode = e.code === 'invalid-argument' ? EXIT_USAGE : EXIT_FAILED;
      return;
    }
    err(`gapscope: unexpected error: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = EXIT_FAILED;
  }
}
