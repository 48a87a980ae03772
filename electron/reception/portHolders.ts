/**
 * Which programs hold a UDP port, where the OS tells: on Linux, the sockets of /proc/net/udp and
 * udp6 on that port, matched by inode to /proc/PID/fd. A unicast stream on a port another program
 * has bound is refused with that program's name (issue #13 item 10), not silently shared.
 */
import { readFile, readdir, readlink } from 'node:fs/promises';
import { parseProcNetUdp, socketInodeOfLink } from '../../shared/network/kernelDrops';

/** A program that holds the port. */
export interface PortHolder {
  pid: number;
  /** Its command name (/proc/PID/comm). */
  name: string;
}

/** The programs with a UDP socket on `port`; [] where the OS does not say (not Linux, or no right to look). Never throws. */
export async function udpPortHolders(port: number, platform: string = process.platform): Promise<PortHolder[]> {
  if (platform !== 'linux') return [];
  const inodes = new Set<number>();
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const s of parseProcNetUdp(text)) if (s.port === port && s.inode > 0) inodes.add(s.inode);
  }
  if (inodes.size === 0) return [];
  const holders: PortHolder[] = [];
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((d) => /^\d+$/.test(d));
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const inode = socketInodeOfLink(await readlink(`/proc/${pid}/fd/${fd}`).catch(() => ''));
      if (inode === null || !inodes.has(inode)) continue;
      const name = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '?')).trim();
      holders.push({ pid: Number(pid), name });
      break;
    }
  }
  return holders;
}

/** "“iperf” (pid 4242)" and "“a” (pid 1) and “b” (pid 2)": the holders as a sentence names them. */
export function nameHolders(holders: readonly PortHolder[]): string {
  const names = holders.slice(0, 3).map((h) => `“${h.name}” (pid ${h.pid})`);
  if (holders.length > 3) names.push(`${holders.length - 3} more`);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
