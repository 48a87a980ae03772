/** `gapscope browse`: what is advertised over mDNS/DNS-SD on this machine's links, and where. */
import type { Command } from 'commander';
import { GapscopeError } from '../../shared/errors';
import type { BonjourStatus } from '../../shared/mdns/bonjourTypes';
import type { ServiceInstance, ServiceType } from '../../shared/mdns/serviceCache';
import type { TxtEntry } from '../../shared/mdns/txt';
import type { WithApi } from './backendApi';
import { numberOption, untilSignal } from './options';
import type { BrowseLine } from '../../shared/jsonStream/lines';
import { judge, type Condition, type Verdict } from '../../shared/verdict/conditions';
import { lineWriter } from './jsonLines';
import { announceVerdict, failOnOption } from './verdict';
import { raiseExitCode } from './exitCodes';

/** Where the command writes: stdout-like and stderr-like, one line at a time. */
export interface BrowseIo {
  out(line: string): void;
  err(line: string): void;
  /** Sets the exit code (default process.exitCode, keeping a graver one). */
  setExitCode?(code: number): void;
}

/** What `browse` was asked on the command line. */
export interface BrowseOptions {
  type?: string[];
  iface?: string;
  duration?: number;
  json?: boolean;
  /** One JSON object a line as it runs (docs/schema/browse-stream.schema.json), the report last. */
  jsonStream?: boolean;
  /** Conditions that fail the browse (exit 3). */
  failOn?: Condition[];
}

/** The `--json` report: the types and instances found, and the browser's status (sockets, packets, what was dropped). */
export interface BrowseReport {
  durationMs: number;
  types: ServiceType[];
  instances: ServiceInstance[];
  status: BonjourStatus;
  /** The --fail-on verdict, when conditions were given. */
  verdict?: Verdict;
}

/** How `browse` reaches the back end, and what ends a run without --duration. */
export interface BrowseDeps {
  withApi: WithApi;
  /** Resolves when the user asks to stop; default: SIGINT or SIGTERM. */
  stop?: () => Promise<void>;
}

/** Collects --type, repeatable and comma-separated ("_http._tcp", "_ipp._tcp.local"); the contract checks each. */
export function typeOption(text: string, previous: string[] = []): string[] {
  return [...previous, ...text.split(',').map((t) => t.trim()).filter(Boolean)];
}

function txtText(txt: TxtEntry[]): string {
  return txt.map((e) => (e.value === null ? e.key : `${e.key}=${e.binary ? `0x${e.value}` : e.value}`)).join(' ');
}

/** One instance as a line: name, host:port, addresses with their interfaces, TXT. */
function instanceLine(i: ServiceInstance): string {
  const where = i.host !== null ? `${i.host}:${i.port}` : '(no SRV yet)';
  const addrs = i.addresses.map((a) => a.address).join(' ') || '(no address yet)';
  // An instance without TXT looks like one with an empty TXT unless said.
  const txt = i.missing.includes('TXT') ? '(no TXT yet)' : txtText(i.txt);
  return `  ${JSON.stringify(i.name)}  ${where}  ${addrs}  [${i.interfaces.join(', ')}]${txt ? `  ${txt}` : ''}`;
}

/** The human listing: each type, then its instances. */
export function humanBrowseReport(types: ServiceType[], instances: ServiceInstance[]): string[] {
  const lines: string[] = [];
  if (types.length === 0) lines.push('No services found.');
  for (const t of types) {
    lines.push(`${t.type}  [${t.interfaces.join(', ')}]  ${t.instances} instance${t.instances === 1 ? '' : 's'}`);
    for (const i of instances.filter((x) => x.type.toLowerCase() === t.type.toLowerCase())) lines.push(instanceLine(i));
  }
  return lines;
}

/** Browses until the duration ends or a stop, printing live changes unless --json; returns the report. */
async function runBrowse(o: BrowseOptions, io: BrowseIo, deps: BrowseDeps): Promise<BrowseReport> {
  const line = o.jsonStream ? lineWriter<BrowseLine>(io.out) : null;
  return deps.withApi(async (api) => {
    const t0 = performance.now();
    const summary = (i: ServiceInstance) => ({ type: i.type, name: i.name, host: i.host, port: i.port, addresses: i.addresses.map((a) => a.address), interfaces: i.interfaces });
    const seen = new Map<string, string>();
    // The cache also files what is heard passively; the lines, like the report, are about the types asked for.
    const wanted = o.type?.length ? new Set(o.type.map((t) => t.toLowerCase().replace(/\.$/, '')).map((t) => (t.endsWith('.local') ? t : `${t}.local`))) : null;
    const stamp = (): string => `${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s`;
    const warned = new Set<string>();
    const warn = (status: BonjourStatus): void => {
      for (const w of status.warnings.filter((x) => !warned.has(x))) {
        warned.add(w);
        io.err(`gapscope: ${w}`);
        line?.({ type: 'warning', message: w });
      }
    };
    const offStatus = api.on('bonjourStatus', (s) => warn(s.status));
    const offChange = o.json
      ? () => undefined
      : api.on('bonjourChange', (batch) => {
          for (const { kind, instance: i } of batch.changes) {
            if (line && wanted && !wanted.has(i.type.toLowerCase())) continue;
            if (kind === 'removed') seen.delete(i.key);
            else seen.set(i.key, i.type);
            if (line) line({ type: kind === 'added' ? 'service-added' : kind === 'updated' ? 'service-updated' : 'service-removed', service: summary(i) });
            else io.out(kind === 'removed' ? `${stamp()}  - ${i.type}  ${JSON.stringify(i.name)}` : `${stamp()}  ${kind === 'added' ? '+' : '~'} ${i.type}${instanceLine(i)}`);
          }
        });
    let ticker: NodeJS.Timeout | null = null;
    try {
      const started = await api.startBrowse({ types: o.type, ifaces: o.iface ? [o.iface] : undefined });
      const open = started.sockets.filter((s) => s.status === 'open');
      if (open.length === 0) {
        throw new GapscopeError('socket-error', started.sockets.length === 0 ? 'No interface with multicast to browse on.' : `Could not open mDNS on any interface: ${started.sockets.map((s) => `${s.iface} (${s.family}): ${s.error}`).join('; ')}.`);
      }
      line?.({ type: 'started', sockets: open.map((x) => ({ iface: x.iface, family: x.family })), types: started.types, conditions: (o.failOn ?? []).map((c) => c.text) });
      if (line) ticker = setInterval(() => line({ type: 'tick', elapsedMs: Math.round(performance.now() - t0), services: seen.size, types: new Set([...seen.values()].map((t) => t.toLowerCase())).size }), 1000);
      if (!o.json && !line) io.out(`Browsing mDNS on ${open.map((s) => `${s.iface} (${s.family})`).join(', ')}${started.types.length ? ` for ${started.types.join(', ')}` : ''}. ${o.duration !== undefined ? `${o.duration} s.` : 'Ctrl+C to stop.'}`);
      const signal = o.duration === undefined && !deps.stop ? untilSignal() : null;
      await new Promise<void>((resolve) => {
        if (o.duration !== undefined) setTimeout(resolve, o.duration * 1000);
        else void (deps.stop ? deps.stop() : signal!.stopped).then(resolve);
      });
      signal?.cancel();
      const snapshot = await api.listServices();
      await api.stopBrowse();
      warn(snapshot.status);
      const report: BrowseReport = { durationMs: Math.round(performance.now() - t0), types: snapshot.types, instances: snapshot.instances, status: snapshot.status };
      if (started.types.length) {
        // The cache also keeps what was heard passively; the report is about the types asked for.
        const wanted = new Set(started.types.map((t) => t.toLowerCase()));
        report.types = report.types.filter((t) => wanted.has(t.type.toLowerCase()));
        report.instances = report.instances.filter((i) => wanted.has(i.type.toLowerCase()));
      }
      if (o.failOn?.length) report.verdict = judge(o.failOn, { services: report.instances.length, types: report.types.length });
      return report;
    } finally {
      if (ticker) clearInterval(ticker);
      offStatus();
      offChange();
    }
  });
}

/** Adds `browse` to the program: startBrowse, the live changes, listServices at the end. */
export function registerBrowseCommands(program: Command, io: BrowseIo, deps: BrowseDeps): void {
  program
    .command('browse')
    .description('Browse mDNS/DNS-SD (Bonjour): service types and their instances with host, port, addresses, TXT and interface.')
    .option('-t, --type <type>', 'service type(s) to browse, e.g. _http._tcp (repeatable or comma-separated; default: every type found)', typeOption)
    .option('-i, --iface <name>', 'browse on this interface only (default: every interface with multicast)')
    .option('-d, --duration <seconds>', 'stop after this many seconds (default: until Ctrl+C)', numberOption('--duration', 31 * 24 * 3600))
    .option('--json', 'print one JSON report at the end instead of text')
    .option('--json-stream', 'print one JSON object a line as it runs: a tick each second, service-added, service-updated, service-removed, then the report (docs/schema/browse-stream.schema.json)')
    .addOption(failOnOption('browse'))
    .action(async (opts: BrowseOptions) => {
      if (opts.json && opts.jsonStream) throw new GapscopeError('invalid-argument', 'Give either --json (one report at the end) or --json-stream (a line as it runs, the report last), not both.');
      const report = await runBrowse(opts, io, deps);
      if (opts.jsonStream) io.out(JSON.stringify({ type: 'report', at: Date.now(), report }));
      else if (opts.json) io.out(JSON.stringify(report));
      else for (const l of humanBrowseReport(report.types, report.instances)) io.out(l);
      if (report.verdict) announceVerdict(report.verdict, io.err, io.setExitCode ?? ((c) => raiseExitCode(c)));
    });
}
