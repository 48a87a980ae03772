/** `gapscope browse`: what is advertised over mDNS/DNS-SD on this machine's links, and where. */
import { InvalidArgumentError, type Command } from 'commander';
import type { InterfaceInfo } from '../../shared/contract';
import { GapscopeError } from '../../shared/errors';
import type { ServiceInstance, ServiceType } from '../../shared/mdns/serviceCache';
import type { TxtEntry } from '../../shared/mdns/txt';
import { MdnsBrowser, fullServiceType, type BrowserStats } from '../bonjour/mdnsBrowser';
import { listInterfaces } from '../network/interfaces';
import { numberOption } from './options';

/** Where the command writes: stdout-like and stderr-like, one line at a time. */
export interface BrowseIo {
  out(line: string): void;
  err(line: string): void;
}

/** What `browse` was asked on the command line. */
export interface BrowseOptions {
  type?: string[];
  iface?: string;
  duration?: number;
  json?: boolean;
}

/** The `--json` report: the types and instances found, and what was dropped on the way. */
export interface BrowseReport {
  durationMs: number;
  types: ServiceType[];
  instances: ServiceInstance[];
  stats: BrowserStats;
}

/** Test seams: the interfaces to browse and what ends a run without --duration. */
export interface BrowseDeps {
  listInterfaces?: () => InterfaceInfo[];
  /** Resolves when the user asks to stop; default: SIGINT or SIGTERM. */
  stop?: () => Promise<void>;
}

const SERVICE_TYPE = /^_[A-Za-z0-9-]{1,63}\._(tcp|udp)(\.[^\s.]+(\.[^\s.]+)*)?\.?$/;

/** Parses --type, repeatable and comma-separated: "_http._tcp", "_ipp._tcp.local". */
export function typeOption(text: string, previous: string[] = []): string[] {
  const list = text.split(',').map((t) => t.trim()).filter(Boolean);
  for (const t of list) {
    if (!SERVICE_TYPE.test(t)) throw new InvalidArgumentError(`--type ${t} is not a service type like _http._tcp or _ipp._tcp.local.`);
  }
  return [...previous, ...list.map(fullServiceType)];
}

function txtText(txt: TxtEntry[]): string {
  return txt.map((e) => (e.value === null ? e.key : `${e.key}=${e.binary ? `0x${e.value}` : e.value}`)).join(' ');
}

/** One instance as a line: name, host:port, addresses with their interfaces, TXT. */
export function instanceLine(i: ServiceInstance): string {
  const where = i.host !== null ? `${i.host}:${i.port}` : '(no SRV yet)';
  const addrs = i.addresses.map((a) => a.address).join(' ') || '(no address yet)';
  const txt = txtText(i.txt);
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

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.removeListener('SIGINT', done);
      process.removeListener('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

/** Browses until the duration ends or a stop, printing live changes unless --json; returns the report. */
export async function runBrowse(o: BrowseOptions, io: BrowseIo, deps: BrowseDeps = {}): Promise<BrowseReport> {
  const list = deps.listInterfaces ?? listInterfaces;
  if (o.iface) {
    const found = list().find((i) => i.name === o.iface);
    if (!found) throw new GapscopeError('no-such-interface', `No interface "${o.iface}" on this machine (interfaces: ${list().map((i) => i.name).join(', ')}).`);
    if (!found.flags?.multicast || found.flags.loopback) throw new GapscopeError('no-such-interface', `Interface ${o.iface} does not do multicast, so mDNS cannot run on it.`);
  }
  const browser = new MdnsBrowser({ types: o.type, iface: o.iface, listInterfaces: list });
  const t0 = performance.now();
  const stamp = (): string => `${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s`;
  browser.on('warning', (w) => io.err(`gapscope: ${w}`));
  if (!o.json) {
    browser.on('added', (i) => io.out(`${stamp()}  + ${i.type}${instanceLine(i)}`));
    browser.on('updated', (i) => io.out(`${stamp()}  ~ ${i.type}${instanceLine(i)}`));
    browser.on('removed', (i) => io.out(`${stamp()}  - ${i.type}  ${JSON.stringify(i.name)}`));
  }
  const sockets = await browser.start();
  const open = sockets.filter((s) => s.status === 'open');
  if (open.length === 0) {
    await browser.stop();
    throw new GapscopeError('socket-error', sockets.length === 0 ? 'No interface with multicast to browse on.' : `Could not open mDNS on any interface: ${sockets.map((s) => `${s.iface} (${s.family}): ${s.error}`).join('; ')}.`);
  }
  if (!o.json) io.out(`Browsing mDNS on ${open.map((s) => `${s.iface} (${s.family})`).join(', ')}${o.type?.length ? ` for ${o.type.join(', ')}` : ''}. ${o.duration !== undefined ? `${o.duration} s.` : 'Ctrl+C to stop.'}`);
  await new Promise<void>((resolve) => {
    if (o.duration !== undefined) setTimeout(resolve, o.duration * 1000);
    else void (deps.stop ?? untilSignal)().then(resolve);
  });
  await browser.stop();
  const report: BrowseReport = { durationMs: Math.round(performance.now() - t0), types: browser.serviceTypes(), instances: browser.instances(), stats: browser.stats() };
  if (o.type?.length) {
    const wanted = new Set(o.type.map((t) => t.toLowerCase()));
    report.types = report.types.filter((t) => wanted.has(t.type.toLowerCase()));
    report.instances = report.instances.filter((i) => wanted.has(i.type.toLowerCase()));
  }
  return report;
}

/** Adds `browse` to the program; the CLI entry point calls this so that the command lives beside its code. */
export function registerBrowseCommands(program: Command, io: BrowseIo, deps: BrowseDeps = {}): void {
  program
    .command('browse')
    .description('Browse mDNS/DNS-SD (Bonjour): service types and their instances with host, port, addresses, TXT and interface.')
    .option('-t, --type <type>', 'service type(s) to browse, e.g. _http._tcp (repeatable or comma-separated; default: every type found)', typeOption)
    .option('-i, --iface <name>', 'browse on this interface only (default: every interface with multicast)')
    .option('-d, --duration <seconds>', 'stop after this many seconds (default: until Ctrl+C)', numberOption('--duration', 31 * 24 * 3600))
    .option('--json', 'print one JSON report at the end instead of text')
    .action(async (opts: BrowseOptions) => {
      const report = await runBrowse(opts, io, deps);
      if (opts.json) io.out(JSON.stringify(report));
      else for (const l of humanBrowseReport(report.types, report.instances)) io.out(l);
    });
}
