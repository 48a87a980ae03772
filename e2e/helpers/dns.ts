/**
 * A DNS server for the DNS spec: dnsmasq in the lab's device namespace on an address of its own
 * (so other specs' servers on the device's main address are never in the way), and a second
 * address with nothing on port 53, which answers ICMP port unreachable. Stopped by its own pid.
 */
import { execFileSync, spawn } from 'node:child_process';
import { stopProcess, type LabInfo } from './lab';

/** The running dnsmasq and the addresses the spec probes. */
export interface LabDns {
  /** dnsmasq listens here (port 53). */
  server: string;
  /** A host on the link with nothing listening on port 53. */
  closed: string;
  /** Names dnsmasq answers, with their addresses. */
  records: Record<string, string>;
  stop(): Promise<void>;
}

function ipIn(ns: string, ...args: string[]): void {
  execFileSync('ip', ['-n', ns, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

function listening(ns: string, address: string): boolean {
  try {
    const out = execFileSync('ip', ['netns', 'exec', ns, 'ss', '-Hlun', 'sport = :53'], { encoding: 'utf8' });
    return out.includes(`${address}:53`);
  } catch {
    return false;
  }
}

/** Starts dnsmasq on lab address .40 (records under lab.test; other names REFUSED) and adds .41 with nothing on port 53. */
export async function startLabDns(lab: LabInfo): Promise<LabDns> {
  const base = lab.devAddr.replace(/\.\d+$/, '');
  const server = `${base}.40`;
  const closed = `${base}.41`;
  const records = { 'gdl90.lab.test': `${base}.7`, 'printer.lab.test': `${base}.8` };
  for (const a of [server, closed]) ipIn(lab.devNs, 'addr', 'add', `${a}/${lab.prefix}`, 'dev', lab.devVeth);
  const child = spawn(
    'ip',
    ['netns', 'exec', lab.devNs, 'dnsmasq', '--no-daemon', '--no-resolv', '--no-hosts', '--bind-interfaces', '--pid-file=', '--user=root', `--listen-address=${server}`, ...Object.entries(records).map(([n, a]) => `--host-record=${n},${a}`)],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const removeAddresses = (): void => {
    for (const a of [server, closed]) {
      try {
        ipIn(lab.devNs, 'addr', 'del', `${a}/${lab.prefix}`, 'dev', lab.devVeth);
      } catch {
        // namespace already gone
      }
    }
  };
  const stop = async (): Promise<void> => {
    if (child.pid !== undefined && child.exitCode === null) await stopProcess(child.pid, 1000);
    removeAddresses();
  };
  const until = Date.now() + 10_000;
  while (!listening(lab.devNs, server)) {
    if (child.exitCode !== null || Date.now() > until) {
      await stop();
      throw new Error(`dnsmasq did not start on ${server}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { server, closed, records, stop };
}
