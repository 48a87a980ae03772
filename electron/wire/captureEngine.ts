/**
 * The platform's capture engine, found and started for a wire view: dumpcap where Wireshark is
 * installed (Windows: with Npcap), tcpdump on macOS and Linux. Each writes the capture to its
 * standard output (pcapng from dumpcap, pcap from tcpdump) for the streaming reader, and says on
 * standard error why it cannot. When it cannot, the sentence says how
 * to grant it.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { ErrorInfo } from '../../shared/errors';

/** Which engine. */
export type EngineKind = 'dumpcap' | 'tcpdump';

/** An engine found on this machine. */
export interface CaptureEngine {
  kind: EngineKind;
  path: string;
}

/** Where Wireshark puts dumpcap outside PATH. */
function wiresharkDirs(platform: string, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'darwin') return ['/Applications/Wireshark.app/Contents/MacOS'];
  if (platform === 'win32') return [join(env.ProgramFiles ?? 'C:\\Program Files', 'Wireshark'), join(env['ProgramFiles(x86)'] ?? 'C:\\Program Files (x86)', 'Wireshark')];
  return [];
}

function executable(file: string, platform: string): boolean {
  try {
    accessSync(file, platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds the engine to use: the one asked for, else dumpcap, else tcpdump (Windows: dumpcap only). */
export function findCaptureEngine(prefer: EngineKind | undefined, platform: string = process.platform, env: NodeJS.ProcessEnv = process.env): CaptureEngine | null {
  const kinds: EngineKind[] = prefer ? [prefer] : platform === 'win32' ? ['dumpcap'] : ['dumpcap', 'tcpdump'];
  const dirs = (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : delimiter).filter(Boolean);
  for (const kind of kinds) {
    const name = platform === 'win32' ? `${kind}.exe` : kind;
    for (const dir of [...dirs, ...(kind === 'dumpcap' ? wiresharkDirs(platform, env) : [])]) {
      const file = join(dir, name);
      if (executable(file, platform)) return { kind, path: file };
    }
  }
  return null;
}

/** The engine's own kernel buffer, MiB. */
export const ENGINE_BUFFER_MIB = 16;

/** The engine's arguments: capture on `iface` with `filter`, every packet written to stdout as it arrives. */
export function engineArgs(engine: EngineKind, iface: string, filter: string): string[] {
  // A 16 MiB kernel buffer for the engine (the default 2 MiB, and tcpdump's --immediate-mode, which
  // gives each packet a slot of the whole snap length, dropped most of a 2000-datagram burst on
  // loopback in the lab): the wire view must see the bursts a socket's buffer cannot hold.
  if (engine === 'dumpcap') {
    // pcapng on stdout; -q: no packet counts on stderr while it runs (the end still reports drops).
    return ['-i', iface, '-f', filter, '-B', String(ENGINE_BUFFER_MIB), '-w', '-', '-q'];
  }
  // -U: each packet written as it comes (no stdio buffering); -n: no name lookups (a DNS query must
  // never leave); -s 0: whole packets; -B in KiB.
  return ['-i', iface, '-n', '-U', '-B', String(ENGINE_BUFFER_MIB * 1024), '-s', '0', '-w', '-', filter];
}

/** How to let Gapscope capture without running it as root, per platform. */
export function grantAdvice(engine: EngineKind, path: string, platform: string): string {
  if (platform === 'linux') {
    return engine === 'dumpcap'
      ? `Let your user capture: add it to the wireshark group (sudo usermod -aG wireshark $USER, then log in again; on Debian and Ubuntu first sudo dpkg-reconfigure wireshark-common and answer yes), or give dumpcap the capability directly: sudo setcap cap_net_raw,cap_net_admin=eip ${path}.`
      : `Let tcpdump capture without root: sudo setcap cap_net_raw,cap_net_admin=eip ${path} (or install Wireshark and join the wireshark group, so Gapscope uses dumpcap).`;
  }
  if (platform === 'darwin') {
    return 'Allow packet capture: install Wireshark with its "ChmodBPF" component (or run the "Install ChmodBPF" package from the Wireshark disk image) and add your user to the access_bpf group, then log in again.';
  }
  return 'Install Npcap (npcap.com) with Wireshark, and do not tick "Restrict Npcap driver\u2019s access to Administrators only" (or run Gapscope as Administrator).';
}

/** Why the engine is not there, and what to install. */
export function missingEngineError(platform: string): ErrorInfo {
  const install =
    platform === 'win32'
      ? 'install Wireshark with Npcap (Gapscope uses its dumpcap)'
      : platform === 'darwin'
        ? 'install Wireshark with ChmodBPF (Gapscope uses its dumpcap), or make sure tcpdump is on PATH'
        : 'install Wireshark\u2019s capture tool (Debian and Ubuntu: sudo apt install tshark, which brings dumpcap) or tcpdump';
  return { code: 'not-found', message: `Cannot watch the wire: no capture engine (dumpcap or tcpdump) was found on PATH; ${install}.` };
}

/** The sentence for an engine that ended before or while capturing, from what it printed. */
export function engineFailure(engine: CaptureEngine, stderr: string, code: number | null, platform: string, iface: string): ErrorInfo {
  const text = stderr.trim().split('\n').filter((l) => l.trim()).slice(-3).join(' ').slice(0, 400);
  if (/permission|not permitted|operation not permitted|access denied|you don't have|EPERM|EACCES/i.test(stderr) || code === 126) {
    return { code: 'permission-denied', message: `Cannot watch the wire: ${engine.kind} may not capture on ${iface} (${text || 'permission denied'}). ${grantAdvice(engine.kind, engine.path, platform)}` };
  }
  if (/no such device|there is no device|doesn't exist|no interfaces|not found.*interface|SIOCGIFHWADDR/i.test(stderr)) {
    return { code: 'no-such-interface', message: `Cannot watch the wire: ${engine.kind} found no interface ${iface} (${text}).` };
  }
  if (code === 127) return missingEngineError(platform);
  return { code: 'socket-error', message: `The wire view stopped: ${engine.kind} ended${code !== null ? ` with status ${code}` : ''}${text ? ` (${text})` : ''}.` };
}

/**
 * Packets the engine itself dropped, from what it prints when it ends: tcpdump's "N packets
 * dropped by kernel", dumpcap's "Packets received/dropped on interface 'x': R/D". Null when it said nothing.
 */
export function engineDropsFromStderr(engine: EngineKind, stderr: string): number | null {
  if (engine === 'tcpdump') {
    const m = /(\d+) packets? dropped by kernel/.exec(stderr);
    return m ? Number(m[1]) : null;
  }
  const m = /Packets received\/dropped on interface .*?: (\d+)\/(\d+)/.exec(stderr);
  return m ? Number(m[2]) : null;
}
