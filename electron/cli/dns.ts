/** `gapscope dns …`: which DNS servers this machine really uses, real probes to them, and what a short name turns into. */
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { GapscopeError } from '../../shared/errors';
import { parseQueryFile } from '../../shared/dns/queryFile';
import type { DnsLoadResult, DnsProbeResult } from '../../shared/dns/probeTypes';
import { formatServer, summarizeResolverList } from '../../shared/dns/resolverList';
import type { WithApi } from './backendApi';
import { numberArg, numberOption, untilSignal } from './options';
import { EXIT_CONDITION } from './exitCodes';
import type { DnsWatchLine } from '../../shared/jsonStream/lines';
import type { DnsWatchUpdate } from '../../shared/contract/dns';
import { judge, type Condition, type Facts } from '../../shared/verdict/conditions';
import { lineWriter } from './jsonLines';
import { announceVerdict, failOnOption } from './verdict';

/** Where the dns commands write; `setExitCode` defaults to process.exitCode (tests pass their own). */
export interface DnsCliIO {
  out(line: string): void;
  err(line: string): void;
  setExitCode?(code: number): void;
}

/** How the dns commands reach the back end, and what ends a load run early. */
export interface DnsCliEnv {
  withApi: WithApi;
  /** Resolves when the user asks to stop a load run early (default: SIGINT or SIGTERM). */
  untilStopped?: () => Promise<void>;
}

/** The text of a query file, or a sentence saying why it cannot be read. */
async function readQueryFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GapscopeError('invalid-argument', `-d ${file} cannot be read: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message}.`);
  }
}

/** The text report of a load run. */
function loadLines(r: DnsLoadResult): string[] {
  const ms = (x: number | null): string => (x === null ? '-' : `${x.toFixed(2)} ms`);
  const what = r.queries > 1 ? `${r.queries} queries in turn` : `${r.name} ${r.type}`;
  const lines = [
    `${r.server} ${what}: ${r.sent} sent in ${r.durationS} s (${r.achievedQps} qps for a target of ${r.targetQps}), ${r.answered} answered, ${r.lost} lost${r.late ? `, ${r.late} late` : ''}`,
    `latency p50 ${ms(r.latencyMs.p50)}  p90 ${ms(r.latencyMs.p90)}  p99 ${ms(r.latencyMs.p99)}  max ${ms(r.latencyMs.max)}`,
    `rcodes ${Object.entries(r.rcodes).map(([k, v]) => `${k} ${v}`).join(', ') || '-'}`,
    `open files before ${r.fds.before ?? '?'}, after ${r.fds.after ?? '?'}; sockets before ${r.fds.socketsBefore ?? '?'}, after ${r.fds.socketsAfter ?? '?'} (${r.sockets} ${r.transport === 'tcp' ? 'TCP connections' : 'UDP sockets'} reused, random ids)`,
  ];
  const errs = Object.entries(r.errors);
  if (r.heldBack) lines.push(`${r.maxOutstanding} queries were in flight at times, so sending waited for answers: the server or this machine is the limit, not the target rate.`);
  if (errs.length > 0) lines.push(`socket errors ${errs.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (r.ramp) {
    const m = r.ramp;
    lines.push(`ramp 0 to ${r.targetQps} qps: the server answered at most ${m.maxAnsweredQps} qps (${m.lostPctAtMax}% of that step's queries lost), when the target was ${m.atTargetQps} qps; per ${m.stepS} s step (target: sent / answered qps, lost):`);
    for (const s of r.ramp.steps) lines.push(`  ${s.atS.toFixed(1).padStart(6)} s  ${String(s.targetQps).padStart(7)}: ${String(s.sentQps).padStart(7)} / ${String(s.answeredQps).padStart(7)}  ${s.lost}`);
  }
  return lines;
}


interface ProbeFlags {
  server?: string;
  type: string;
  all?: boolean;
  timeout: number;
  edns: boolean;
  json?: boolean;
  failOn?: Condition[];
}

/** A probe's facts for --fail-on: the slowest answer among the servers asked, and how many gave none (as dns watch counts them). */
function probeFacts(results: readonly DnsProbeResult[]): Facts {
  const answered = results.filter((r) => r.kind === 'answer' && r.rttMs !== null).map((r) => r.rttMs as number);
  return { rttMs: answered.length > 0 ? Math.max(...answered) : { unknown: 'no server answered' }, failures: results.filter((r) => r.kind !== 'answer').length };
}

/** The text line for one probe: "10.0.0.1  answer  0.41 ms  NOERROR  A 10.1.2.3". */
function probeLine(r: DnsProbeResult): string {
  const head = `${r.server.padEnd(22)} ${r.kind.padEnd(19)}`;
  if (r.kind !== 'answer' && r.kind !== 'refused') return `${head} ${r.message}`;
  const flags = r.flags ? Object.entries(r.flags).filter(([, on]) => on).map(([k]) => k).join(' ') : '';
  const parts = [`${(r.rttMs ?? 0).toFixed(2)} ms`, r.rcode ?? '', r.transport.toUpperCase(), flags ? `[${flags}]` : ''];
  const lines = [`${head} ${parts.filter(Boolean).join('  ')}`];
  for (const a of r.answers) lines.push(`    ${a.name} ${a.ttl ?? ''} ${a.type} ${a.data}`);
  if (r.answers.length === 0) for (const a of r.authorities) lines.push(`    (authority) ${a.name} ${a.ttl ?? ''} ${a.type} ${a.data}`);
  return lines.join('\n');
}

function out(io: DnsCliIO, lines: string | string[]): void {
  for (const l of Array.isArray(lines) ? lines : [lines]) for (const part of l.split('\n')) io.out(part);
}

/** Adds `dns resolvers|probe|search|load` to the program: each a request of the DNS contract, checked at its door. */
export function registerDnsCommands(program: Command, io: DnsCliIO, env: DnsCliEnv): Command {
  const { withApi } = env;
  const fail = (code: number): void => {
    if (io.setExitCode) io.setExitCode(code);
    else process.exitCode = code;
  };
  const timeoutOpt = (): Option => new Option('--timeout <ms>', 'how long to wait for each answer, UDP and TCP together (1–60000)').argParser(numberArg).default(2000);
  const typeOpt = (): Option => new Option('-t, --type <type>', 'record type: A, AAAA, HTTPS, TXT, PTR, SOA, MX, NS, SRV, CNAME, ANY… or TYPEn').default('A');
  const serverOpt = (what: string): Option => new Option('-s, --server <address>', `${what}: IPv4 or IPv6, with :port and %scope as needed (10.0.0.1:5353, [fe80::1%eth0]:53)`);

  const dns = program
    .command('dns')
    .description('DNS: the resolvers this machine really uses, real queries to them, and what a short name turns into.');

  dns
    .command('resolvers')
    .description('List every resolver the OS uses, per interface and scope, with all its servers, search domains and why each is or is not used; and what Node\u2019s own resolver asks. Reads configuration only: sends no DNS query.')
    .option('--json', 'print the full result as JSON')
    .action(async (opts: { json?: boolean }) => {
      const r = await withApi((api) => api.readDnsResolvers());
      if (opts.json) return out(io, JSON.stringify(r, null, 2));
      const lines: string[] = [];
      lines.push(`Servers in use (${r.primarySource ?? 'no source'}): ${r.serversInUse.map(formatServer).join(', ') || 'none found'}`);
      lines.push(`Search list: ${r.searchDomains.join(' ') || '(none)'}  ndots ${r.ndots}  (${r.searchRules} rules)`);
      lines.push(`Node's own resolver asks: ${r.node.servers.join(', ') || '(none)'}`);
      for (const l of r.lists) {
        lines.push('', `From ${l.source}${l.source === r.primarySource ? ' (decides what is used)' : ''}:`);
        lines.push(...summarizeResolverList(l).map((s) => `  ${s}`));
        for (const w of l.warnings) lines.push(`  warning: ${w}`);
      }
      if (r.notes.length > 0) lines.push('', 'Notes:', ...r.notes.map((n) => `  - ${n}`));
      const missing = r.sources.filter((s) => !s.ok);
      if (missing.length > 0) lines.push('', 'Not read:', ...missing.map((s) => `  - ${s.note}`));
      out(io, lines);
    });

  dns
    .command('probe')
    .description('Send a real DNS query and report the outcome: answer (with RTT, rcode, flags, records, EDNS), REFUSED, timeout, ICMP port unreachable, network unreachable or a malformed reply. Retries over TCP when the reply is truncated.')
    .argument('<name>', 'the name to ask about, e.g. example.com or _sip._tcp.example.com')
    .addOption(serverOpt('server to ask (default: the first server the system uses)'))
    .addOption(typeOpt())
    .option('-a, --all', 'ask every server the system uses, at once')
    .addOption(timeoutOpt())
    .option('--no-edns', 'send the query without an EDNS0 OPT record')
    .option('--json', 'print {name, type, results: [...], comparison, verdict} as JSON (comparison with --all: which servers agree; verdict with --fail-on)')
    .addOption(failOnOption('dns'))
    .addHelpText('after', "\nExamples:\n  gapscope dns probe example.com\n  gapscope dns probe example.com --type HTTPS --all\n  gapscope dns probe printer.lan --server 192.168.1.1 --json\n  gapscope dns probe printer.lan --all --fail-on 'rtt>50ms,failures>0'")
    .action(async (rawName: string, flags: ProbeFlags) => {
      const report = await withApi((api) => api.probeDns({ name: rawName, server: flags.server, all: flags.all, type: flags.type, timeoutMs: flags.timeout, edns: flags.edns }));
      const { name, type, results, comparison } = report;
      const verdict = flags.failOn?.length ? judge(flags.failOn, probeFacts(results)) : undefined;
      if (flags.json) out(io, JSON.stringify({ name, type, results, ...(comparison ? { comparison } : {}), ...(verdict ? { verdict } : {}) }));
      else {
        out(io, `${name} ${type}:`);
        for (const r of results) out(io, probeLine(r));
        if (comparison?.agree) out(io, `All ${results.length} servers give the same answer.`);
        else if (comparison) {
          // Split DNS, a VPN-only name, or a server that is down: say who said what.
          out(io, 'The servers disagree:');
          for (const g of comparison.groups) out(io, `  ${g.answer}: ${g.servers.join(', ')}`);
        }
      }
      if (verdict) announceVerdict(verdict, io.err, fail);
      if (!results.some((r) => r.kind === 'answer')) fail(EXIT_CONDITION);
    });

  dns
    .command('search')
    .description('Show the names the system resolver would try for NAME, in order (search domains, ndots), and what the server answers for each: why a short name resolves to something odd.')
    .argument('<name>', 'the name as a user or program types it, e.g. printer or api.internal')
    .addOption(serverOpt('server to ask for each name (default: the first server the system uses)'))
    .addOption(typeOpt())
    .addOption(timeoutOpt())
    .option('--json', 'print {name, searchDomains, ndots, steps: [{name, searchDomain, result}], resolvedBy, notes} as JSON')
    .action(async (rawName: string, flags: ProbeFlags) => {
      const report = await withApi((api) => api.previewDnsSearch(rawName, { server: flags.server, type: flags.type, timeoutMs: flags.timeout }));
      const { steps, resolvedBy } = report;
      if (flags.json) {
        out(io, JSON.stringify(report));
      } else {
        const lines = [`${rawName} with search list [${report.searchDomains.join(' ')}], ndots ${report.ndots}, asking ${report.server}:`];
        steps.forEach((s, i) => {
          const r = s.result;
          const what = r.kind === 'answer' ? `${r.rcode}${r.answers.length ? ` ${r.answers.map((a) => a.data).join(', ')}` : ''} (${(r.rttMs ?? 0).toFixed(2)} ms)` : r.kind;
          lines.push(`  ${i + 1}. ${s.name.padEnd(40)} ${what}${s.name === resolvedBy ? '   <- the system would use this' : ''}`);
        });
        if (steps.length === 0) lines.push('  (no name would be sent)');
        if (resolvedBy === null && steps.length > 0) lines.push('  No name in the list has records: the lookup fails.');
        lines.push(...report.notes.map((n) => `  note: ${n}`));
        out(io, lines);
      }
      if (resolvedBy === null) fail(EXIT_CONDITION);
    });

  dns
    .command('load')
    .description('Load one DNS server: queries at a target rate for a duration (or rising to it, --ramp), from a few reused UDP sockets with random ids; one name, or every query of a file in turn (-d); reports sent, answered, lost, rcodes, latency percentiles and the open file count before and after.')
    .requiredOption('-s, --server <address>', 'server to load (required: never the system\u2019s resolver by accident)')
    .requiredOption('--qps <n>', 'target queries per second (1–200000); with --ramp, the rate reached at the end', numberArg)
    .requiredOption('-l, --duration <seconds>', 'how long to send (0.1–300)', numberArg)
    .option('-n, --name <name>', 'the name every query asks (default example.com)')
    .addOption(new Option('-t, --type <type>', 'record type of every query: A, AAAA, HTTPS, TXT, PTR, SOA, MX, NS, SRV, CNAME, ANY… or TYPEn (default A)'))
    .option('-d, --datafile <file>', 'queries to send in turn, dnsperf\u2019s format: "name type" a line (www.example.com A), ; for comments; instead of --name and --type')
    .option('--tcp', 'send over TCP: each of --sockets a connection, queries pipelined on it with their length (like dnsperf -m tcp)')
    .option('--ramp', 'like resperf: raise the rate evenly from 0 to --qps over --duration, and report the highest rate the server answered')
    .addOption(new Option('--timeout <ms>', 'a query without a reply after this long is lost (1–60000)').argParser(numberArg).default(1000))
    .option('--sockets <n>', 'UDP sockets (or TCP connections) in the pool (1–64)', numberArg, 4)
    .option('--max-outstanding <n>', 'at most this many queries in flight; past the server\u2019s capacity the rate adapts instead of collapsing into loss (1–60000)', numberArg, 200)
    .option('--no-edns', 'send the queries without an EDNS0 OPT record')
    .option('--json', 'print the result as JSON: sent, answered, lost, rcodes, latencyMs {p50, p90, p99}, fds, queries, ramp')
    .action(async (flags: { server: string; qps: number; duration: number; name?: string; type?: string; datafile?: string; ramp?: boolean; tcp?: boolean; timeout: number; sockets: number; maxOutstanding: number; edns: boolean; json?: boolean }) => {
      if (flags.datafile !== undefined && (flags.name !== undefined || flags.type !== undefined)) {
        throw new GapscopeError('invalid-argument', 'Give either a query file (-d) or --name and --type, not both: the file names every query.');
      }
      // Read and checked before the load starts: a bad line stops it with its number, and nothing is sent.
      const queries = flags.datafile === undefined ? undefined : parseQueryFile(await readQueryFile(flags.datafile), flags.datafile);
      const signal = env.untilStopped ? null : untilSignal();
      const stop = env.untilStopped ? env.untilStopped() : (signal as { stopped: Promise<void> }).stopped;
      let r: DnsLoadResult;
      try {
        r = await withApi(async (api) => {
          // Ctrl+C cancels the run; its result (what was sent until then) still arrives.
          void stop.then(() => api.cancelDnsLoad().catch(() => undefined));
          return api.runDnsLoad({ server: flags.server, name: flags.name, type: flags.type, queries, ramp: flags.ramp === true, transport: flags.tcp ? 'tcp' : 'udp', qps: flags.qps, durationSec: flags.duration, timeoutMs: flags.timeout, sockets: flags.sockets, maxOutstanding: flags.maxOutstanding, edns: flags.edns });
        });
      } finally {
        signal?.cancel();
      }
      if (flags.json) out(io, JSON.stringify(r));
      else out(io, loadLines(r));
      if (r.answered === 0) fail(EXIT_CONDITION);
    });

  dns
    .command('watch')
    .description('Probe resolvers (the system\u2019s, or --server) every interval; print each probe and each change of a resolver\u2019s state. With --fail-on, judge the run at its end.')
    .option('-s, --server <address>', 'a server to watch (repeatable; default: the servers the system uses)', (v: string, prev: string[] = []) => [...prev, v])
    .option('-n, --name <name>', 'the name every probe asks', 'example.com')
    .addOption(typeOpt())
    .option('--interval <seconds>', 'seconds between rounds of probes (1–3600)', numberArg, 5)
    .option('-d, --duration <seconds>', 'stop after this many seconds (default: until Ctrl+C)', numberOption('--duration', 31 * 24 * 3600))
    .option('--json-stream', 'print one JSON object a line: started, a tick each second, a probe per probe, resolver-changed, then the report (docs/schema/dns-watch-stream.schema.json)')
    .addOption(failOnOption('dns'))
    .action(async (flags: { server?: string[]; name: string; type: string; interval: number; duration?: number; jsonStream?: boolean; failOn?: Condition[] }) => {
      const line = flags.jsonStream ? lineWriter<DnsWatchLine>((l) => io.out(l)) : null;
      const signal = env.untilStopped ? null : untilSignal();
      try {
        await withApi(async (api) => {
          let probes = 0;
          let failures = 0;
          let slowest: number | null = null;
          const states = new Map<string, string>();
          let resolvers: { server: string; state: 'unknown' | 'answers' | 'no-answer'; text: string }[] = [];
          // The first round can come back before startDnsWatch does: held until `started` is out.
          let held: (() => void)[] | null = [];
          const offUpdate = api.on('dnsWatchUpdate', (u) => {
            if (held) held.push(() => onUpdate(u));
            else onUpdate(u);
          });
          const onUpdate = (u: DnsWatchUpdate): void => {
            for (const { server, sample } of u.samples) {
              probes += 1;
              if (sample.kind === 'answer' && sample.rttMs !== null) slowest = Math.max(slowest ?? 0, sample.rttMs);
              else if (sample.kind !== 'answer') failures += 1;
              if (line) line({ type: 'probe', at: sample.at, server, kind: sample.kind, rttMs: sample.rttMs, rcode: sample.rcode });
              else io.out(`${new Date(sample.at).toISOString()}  ${server.padEnd(22)} ${sample.kind}${sample.rttMs !== null ? `  ${sample.rttMs.toFixed(2)} ms` : ''}${sample.rcode ? `  ${sample.rcode}` : ''}`);
            }
            resolvers = u.verdicts.map((v) => ({ server: v.server, state: v.state, text: v.text }));
            for (const v of u.verdicts) {
              if (states.get(v.server) === v.state) continue;
              states.set(v.server, v.state);
              if (line) line({ type: 'resolver-changed', server: v.server, state: v.state, text: v.text, explanation: v.explanation });
              else io.out(`  ${v.server}: ${v.text}`);
            }
          };
          const t0 = Date.now();
          const started = await api.startDnsWatch({ servers: flags.server, name: flags.name, type: flags.type, intervalSec: flags.interval });
          const servers = started.config?.servers ?? [];
          if (line) line({ type: 'started', servers, name: started.config?.name ?? flags.name, recordType: started.config?.type ?? flags.type, intervalSec: flags.interval, conditions: (flags.failOn ?? []).map((c) => c.text) });
          else io.out(`Watching ${servers.join(', ') || '(no server)'} for ${flags.name} ${flags.type} every ${flags.interval} s${flags.duration ? ` for ${flags.duration} s` : ' (Ctrl+C to stop)'}.`);
          const waiting = held;
          held = null;
          for (const f of waiting) f();
          const ticker = line ? setInterval(() => line({ type: 'tick', elapsedMs: Date.now() - t0, probes, failures, resolvers }), 1000) : null;
          const stops: Promise<void>[] = [env.untilStopped ? env.untilStopped() : (signal as { stopped: Promise<void> }).stopped];
          let timer: NodeJS.Timeout | null = null;
          if (flags.duration) stops.push(new Promise((r) => (timer = setTimeout(r, flags.duration! * 1000))));
          await Promise.race(stops);
          if (timer) clearTimeout(timer);
          if (ticker) clearInterval(ticker);
          await api.stopDnsWatch();
          offUpdate();
          const verdict = flags.failOn?.length ? judge(flags.failOn, { rttMs: slowest ?? { unknown: 'no probe was answered' }, failures }) : undefined;
          const report = { durationMs: Date.now() - t0, probes, failures, slowestMs: slowest, resolvers, ...(verdict ? { verdict } : {}) };
          if (line) line({ type: 'report', report });
          else io.out(`Stopped after ${probes} probes, ${failures} without an answer${slowest !== null ? `; the slowest answer took ${(slowest as number).toFixed(2)} ms` : ''}.`);
          if (verdict) announceVerdict(verdict, io.err, fail);
        });
      } finally {
        signal?.cancel();
      }
    });

  return dns;
}

