/**
 * The live resolver reader: asks this OS which DNS servers it really uses, with the OS's own tools
 * (never a shell, always a timeout), parses their output with shared/dns, and adds what Node's own
 * resolver would use. Reading configuration sends no DNS traffic.
 */
import { getServers } from 'node:dns';
import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { parseNmcliDevShow } from '../../shared/dns/nmcliDevShow';
import { parseIpconfigAll } from '../../shared/dns/ipconfigAll';
import { parseGetDnsClientServerAddressTable, parsePowerShellDnsJson } from '../../shared/dns/powershellDns';
import { parseResolvConf } from '../../shared/dns/resolvConf';
import { parseResolvectlStatus } from '../../shared/dns/resolvectlStatus';
import { isSystemdStub, parseServerText, serversInUse } from '../../shared/dns/resolverList';
import type { ResolverList } from '../../shared/dns/resolverList';
import { parseScutilDns } from '../../shared/dns/scutilDns';
import type { SearchRules } from '../../shared/dns/searchList';
import type { ResolverSourceRun, SystemResolvers } from '../../shared/dns/systemResolvers';
import { runCommand } from '../network/runCommand';

/** What running one tool gave: its output, or why there is none (missing, timed out, failed). */
export type ToolResult = { ok: true; stdout: string } | { ok: false; reason: string };

/** Runs a program without a shell; injectable so that tests can play the OS. */
export type ToolRunner = (file: string, args: string[], timeoutMs: number) => Promise<ToolResult>;

/** Reads a text file; injectable for tests. Resolves null when the file cannot be read. */
export type TextFileReader = (path: string) => Promise<string | null>;

export type { ResolverSourceRun, SystemResolvers } from '../../shared/dns/systemResolvers';

/** Options of the reader; all optional, the defaults read the real machine. */
export interface ReadResolversOptions {
  platform?: NodeJS.Platform;
  run?: ToolRunner;
  readText?: TextFileReader;
  /** Path of resolv.conf (default /etc/resolv.conf). */
  resolvConfPath?: string;
  /** Per tool, ms (default 5000). */
  timeoutMs?: number;
  /** Node's resolver servers; default dns.getServers(). */
  nodeServers?: () => string[];
  /** This machine's IPv4 addresses with netmasks (macOS: for mDNSResponder's own search domains); default os.networkInterfaces(). */
  ipv4Addresses?: () => Array<{ address: string; netmask: string }>;
}

/** Runs a program through runCommand (no shell of ours, a timeout, a size cap, ends with the back end); a missing program is a reason, not an error. */
export const runTool: ToolRunner = async (file, args, timeoutMs) => {
  const r = await runCommand(file, args, timeoutMs);
  if (r.ok) return { ok: true, stdout: r.stdout };
  if (r.missing) return { ok: false, reason: `${file} is not installed on this machine.` };
  if (r.timedOut) return { ok: false, reason: `${file} did not finish within ${timeoutMs} ms.` };
  const detail = r.stderr.trim().split('\n')[0] ?? '';
  return { ok: false, reason: `${file} failed${r.code !== null ? ` (exit ${r.code})` : ''}${detail ? `: ${detail}` : '.'}` };
};

/** Reads a text file, or null when it is missing or unreadable. */
export const readTextFile: TextFileReader = async (path) => {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
};

function listHasServers(list: ResolverList): boolean {
  return list.resolvers.some((r) => r.servers.some((s) => s.family !== null));
}

/** Reads the resolvers of this machine (or of the OS given in options) the way the OS itself sees them; never throws. */
export async function readSystemResolvers(options: ReadResolversOptions = {}): Promise<SystemResolvers> {
  const platform = options.platform ?? process.platform;
  const run = options.run ?? runTool;
  const readText = options.readText ?? readTextFile;
  const timeoutMs = options.timeoutMs ?? 5000;
  const sources: ResolverSourceRun[] = [];
  const lists: ResolverList[] = [];
  let primary: ResolverList | null = null;
  let search: { domains: string[]; ndots: number; rules: SearchRules } = { domains: [], ndots: 1, rules: 'glibc' };
  let searchAddresses: Array<{ address: string; netmask: string }> | undefined;

  const tool = async (label: string, file: string, args: string[]): Promise<string | null> => {
    const r = await run(file, args, timeoutMs);
    if (r.ok) {
      sources.push({ source: label, ok: true, note: `${label}: read.` });
      return r.stdout;
    }
    sources.push({ source: label, ok: false, note: `${label}: ${r.reason}` });
    return null;
  };

  if (platform === 'darwin') {
    const text = await tool('scutil --dns', 'scutil', ['--dns']);
    if (text !== null) {
      const list = parseScutilDns(text);
      lists.push(list);
      primary = list;
      search = { domains: list.searchDomains, ndots: 1, rules: 'macos' };
    }
    searchAddresses = (options.ipv4Addresses ?? osIpv4Addresses)();
  } else if (platform === 'win32') {
    const ps = (cmd: string): string[] => ['-NoProfile', '-NonInteractive', '-Command', cmd];
    const servers = await tool('Get-DnsClientServerAddress', 'powershell.exe', ps('Get-DnsClientServerAddress | ConvertTo-Json -Depth 4'));
    let list: ResolverList | null = null;
    if (servers !== null && servers.trim() !== '') {
      const client = await tool('Get-DnsClient', 'powershell.exe', ps('Get-DnsClient | ConvertTo-Json -Depth 4'));
      list = parsePowerShellDnsJson(servers, client ?? undefined);
    }
    if (servers !== null && (list === null || !listHasServers(list))) {
      // PowerShell ran but its JSON gave nothing: the plain table (property and enum names, not
      // translated) before ipconfig /all (whose labels are in the system's language).
      const table = await tool('Get-DnsClientServerAddress (table)', 'powershell.exe', ps('Get-DnsClientServerAddress'));
      const fromTable = table !== null ? parseGetDnsClientServerAddressTable(table) : null;
      if (fromTable && listHasServers(fromTable)) list = fromTable;
    }
    if (list === null || !listHasServers(list)) {
      const text = await tool('ipconfig /all', 'ipconfig', ['/all']);
      if (text !== null) list = parseIpconfigAll(text);
    }
    if (list) {
      lists.push(list);
      primary = list;
      search = { domains: list.searchDomains, ndots: 1, rules: 'glibc' };
    }
  } else {
    // Linux and other Unix: glibc reads resolv.conf; systemd-resolved and NetworkManager know what is behind it.
    const confPath = options.resolvConfPath ?? '/etc/resolv.conf';
    const confText = await readText(confPath);
    let conf: ResolverList | null = null;
    if (confText === null) sources.push({ source: confPath, ok: false, note: `${confPath}: missing or unreadable.` });
    else {
      sources.push({ source: confPath, ok: true, note: `${confPath}: read.` });
      conf = parseResolvConf(confText);
    }
    const resolvedText = platform === 'linux' ? await tool('resolvectl status', 'resolvectl', ['status', '--no-pager']) : null;
    const resolved = resolvedText !== null ? parseResolvectlStatus(resolvedText) : null;
    const nmText = platform === 'linux' ? await tool('nmcli dev show', 'nmcli', ['dev', 'show']) : null;
    const nm = nmText !== null ? parseNmcliDevShow(nmText) : null;

    const confServers = conf ? serversInUse(conf) : [];
    const behindStub = confServers.length > 0 && confServers.every((s) => isSystemdStub(s.address));
    if (behindStub && resolved && listHasServers(resolved)) primary = resolved;
    else if (conf) primary = conf;
    else if (resolved) primary = resolved;
    for (const l of [primary, conf, resolved, nm]) if (l && !lists.includes(l)) lists.push(l);
    const confEntry = conf?.resolvers[0];
    search = { domains: conf?.searchDomains ?? primary?.searchDomains ?? [], ndots: confEntry?.options.ndots ?? 1, rules: 'glibc' };
  }

  let nodeServers: string[] = [];
  try {
    nodeServers = (options.nodeServers ?? getServers)();
  } catch (e) {
    sources.push({ source: 'node:dns', ok: false, note: `node:dns getServers failed: ${e instanceof Error ? e.message : String(e)}` });
  }

  const notes: string[] = [];
  for (const l of lists) for (const n of l.notes) if (!notes.includes(n)) notes.push(n);
  const inUse = primary ? serversInUse(primary) : [];
  const nodeKeys = new Set(nodeServers.map((s) => parseServerText(s).address));
  const missing = inUse.filter((s) => !nodeKeys.has(s.address));
  if (nodeServers.length > 0 && missing.length > 0) {
    notes.push(`Node's own resolver (dns.resolve*) asks ${nodeServers.join(', ')}; it does not ask ${missing.map((s) => s.address).join(', ')}, which the system uses.`);
  }
  if (!primary) notes.push('No source of DNS configuration could be read on this machine.');
  return {
    platform,
    lists,
    primarySource: primary?.source ?? null,
    serversInUse: inUse,
    searchDomains: search.domains,
    ndots: search.ndots,
    searchRules: search.rules,
    ...(searchAddresses ? { searchAddresses } : {}),
    node: { servers: nodeServers },
    sources,
    notes,
  };
}

function osIpv4Addresses(): Array<{ address: string; netmask: string }> {
  let all: ReturnType<typeof networkInterfaces>;
  try {
    all = networkInterfaces();
  } catch {
    return [];
  }
  return Object.values(all)
    .flat()
    .filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal)
    .map((a) => ({ address: a!.address, netmask: a!.netmask }));
}
