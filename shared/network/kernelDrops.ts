/**
 * The kernel's own UDP drop counters, read from what each OS prints: Linux /proc/net/snmp and
 * /proc/net/snmp6 (the namespace's UDP totals) and /proc/net/udp and /proc/net/udp6 (the `drops`
 * column of one socket, found by its inode), macOS `netstat -s -p udp`, Windows `netstat -s -p udp`.
 * Pure: the back end reads the files or runs the tool and hands the text here.
 *
 * What each counts, so a sentence can say it plainly:
 * - Linux RcvbufErrors: datagrams dropped because a socket's receive buffer was full (every socket
 *   of the namespace); InErrors counts those plus checksum and memory errors.
 * - Linux per-socket drops: the same drops, for one socket only (sk_drops).
 * - macOS "dropped due to full socket buffers": RcvbufErrors' equivalent, machine-wide.
 * - Windows "Receive Errors" (udpInErrors): every received datagram not delivered for a reason other
 *   than no port, full buffers included; Windows counts buffer drops nowhere else.
 */

/** A machine's (or namespace's) UDP receive counters; null where the OS does not count it. */
export interface UdpDropCounters {
  /** Datagrams delivered to sockets. */
  inDatagrams: number | null;
  /** Datagrams to a port no socket listens on. */
  noPorts: number | null;
  /** Datagrams not delivered for any other reason (Linux InErrors, Windows Receive Errors). */
  inErrors: number | null;
  /** Of those, dropped because a socket's receive buffer was full (Linux RcvbufErrors, macOS full socket buffers). */
  rcvbufErrors: number | null;
}

const EMPTY: UdpDropCounters = { inDatagrams: null, noPorts: null, inErrors: null, rcvbufErrors: null };

/** Adds two readings (IPv4 and IPv6); a field unknown in both stays null. */
export function addCounters(a: UdpDropCounters, b: UdpDropCounters): UdpDropCounters {
  const add = (x: number | null, y: number | null): number | null => (x === null && y === null ? null : (x ?? 0) + (y ?? 0));
  return { inDatagrams: add(a.inDatagrams, b.inDatagrams), noPorts: add(a.noPorts, b.noPorts), inErrors: add(a.inErrors, b.inErrors), rcvbufErrors: add(a.rcvbufErrors, b.rcvbufErrors) };
}

/** How much each counter rose from `before` to `after` (null when either side does not know it; a counter that went back counts as 0). */
export function counterRise(before: UdpDropCounters, after: UdpDropCounters): UdpDropCounters {
  const rise = (x: number | null, y: number | null): number | null => (x === null || y === null ? null : Math.max(0, y - x));
  return { inDatagrams: rise(before.inDatagrams, after.inDatagrams), noPorts: rise(before.noPorts, after.noPorts), inErrors: rise(before.inErrors, after.inErrors), rcvbufErrors: rise(before.rcvbufErrors, after.rcvbufErrors) };
}

function count(text: string | undefined): number | null {
  if (text === undefined || !/^\d+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * The `Udp:` lines of Linux /proc/net/snmp: a header line naming the fields and a line of values.
 * Fields are found by name, so kernels that add or reorder columns read the same.
 */
export function parseProcNetSnmp(text: string): UdpDropCounters {
  const lines = text.split('\n').filter((l) => l.startsWith('Udp:'));
  if (lines.length < 2) return { ...EMPTY };
  const names = lines[0]!.trim().split(/\s+/).slice(1);
  const values = lines[1]!.trim().split(/\s+/).slice(1);
  const field = (name: string): number | null => {
    const i = names.indexOf(name);
    return i < 0 ? null : count(values[i]);
  };
  return { inDatagrams: field('InDatagrams'), noPorts: field('NoPorts'), inErrors: field('InErrors'), rcvbufErrors: field('RcvbufErrors') };
}

/** The Udp6 lines of Linux /proc/net/snmp6 ("Udp6RcvbufErrors   24"). */
export function parseProcNetSnmp6(text: string): UdpDropCounters {
  const values = new Map<string, number | null>();
  for (const line of text.split('\n')) {
    const m = /^(Udp6\w+)\s+(\S+)\s*$/.exec(line);
    if (m) values.set(m[1]!, count(m[2]));
  }
  const field = (name: string): number | null => values.get(name) ?? null;
  return { inDatagrams: field('Udp6InDatagrams'), noPorts: field('Udp6NoPorts'), inErrors: field('Udp6InErrors'), rcvbufErrors: field('Udp6RcvbufErrors') };
}

/** One socket's line of /proc/net/udp or /proc/net/udp6. */
export interface ProcNetUdpSocket {
  inode: number;
  /** Local port. */
  port: number;
  /** Bytes waiting in the receive queue (the kernel's accounting, overhead included). */
  rxQueueBytes: number;
  /** Datagrams the kernel dropped for this socket (full buffer, memory). */
  drops: number;
}

/**
 * Every socket line of /proc/net/udp or /proc/net/udp6. Columns are found from the header line
 * (`sl local_address rem_address st tx_queue rx_queue tr tm->when retrnsmt uid timeout inode ref
 * pointer drops`), where `tx_queue rx_queue` is one field and `tr tm->when` another.
 */
export function parseProcNetUdp(text: string): ProcNetUdpSocket[] {
  const lines = text.split('\n');
  const header = lines[0]?.trim().split(/\s+/) ?? [];
  // The header names two columns for each of "tx_queue:rx_queue" and "tr:tm->when": count them once.
  const names = header.filter((n) => n !== 'rx_queue' && n !== 'tm->when');
  const col = (name: string): number => names.indexOf(name);
  const [cLocal, cQueue, cInode, cDrops] = [col('local_address'), col('tx_queue'), col('inode'), col('drops')];
  if (cLocal < 0 || cInode < 0 || cDrops < 0) return [];
  const out: ProcNetUdpSocket[] = [];
  for (const line of lines.slice(1)) {
    const f = line.trim().split(/\s+/);
    if (!/^\d+:$/.test(f[0] ?? '')) continue;
    const inode = count(f[cInode]);
    const drops = count(f[cDrops]);
    const port = /:([0-9A-Fa-f]{4})$/.exec(f[cLocal] ?? '');
    const queue = cQueue >= 0 ? /^[0-9A-Fa-f]+:([0-9A-Fa-f]+)$/.exec(f[cQueue] ?? '') : null;
    if (inode === null || drops === null || !port) continue;
    out.push({ inode, port: parseInt(port[1]!, 16), rxQueueBytes: queue ? parseInt(queue[1]!, 16) : 0, drops });
  }
  return out;
}

/** The drops column of the socket with this inode in /proc/net/udp or udp6 text, or null when it is not there. */
export function socketDropsOf(text: string, inode: number): number | null {
  return parseProcNetUdp(text).find((s) => s.inode === inode)?.drops ?? null;
}

/** The inode in a /proc/PID/fd link to a socket ("socket:[582124]"), or null for anything else. */
export function socketInodeOfLink(link: string): number | null {
  const m = /^socket:\[(\d+)\]$/.exec(link.trim());
  return m ? count(m[1]) : null;
}

/**
 * macOS (and FreeBSD) `netstat -s -p udp`: the `udp:` section's "N datagrams received",
 * "N dropped due to no socket", "N dropped due to full socket buffers". macOS has no separate
 * error total: inErrors is the full-buffer count plus the header, length and checksum errors.
 */
export function parseNetstatUdpMac(text: string): UdpDropCounters {
  let inSection = !/^udp:/m.test(text);
  const got = new Map<string, number>();
  for (const raw of text.split(/\r?\n/)) {
    if (/^\S/.test(raw)) {
      inSection = /^udp:\s*$/.test(raw);
      continue;
    }
    if (!inSection) continue;
    const m = /^\s*(\d+)\s+(.+?)\s*$/.exec(raw);
    if (!m) continue;
    const n = count(m[1]);
    if (n === null) continue;
    const what = m[2]!;
    if (/^datagrams? received$/.test(what)) got.set('received', n);
    else if (what === 'dropped due to no socket') got.set('noPort', n);
    else if (what === 'dropped due to full socket buffers') got.set('full', n);
    else if (what === 'with incomplete header' || what === 'with bad data length field' || what === 'with bad checksum') got.set(what, n);
    else if (what === 'delivered') got.set('delivered', n);
  }
  const full = got.get('full') ?? null;
  const errors = full === null ? null : full + (got.get('with incomplete header') ?? 0) + (got.get('with bad data length field') ?? 0) + (got.get('with bad checksum') ?? 0);
  return { inDatagrams: got.get('delivered') ?? got.get('received') ?? null, noPorts: got.get('noPort') ?? null, inErrors: errors, rcvbufErrors: full };
}

/**
 * Windows `netstat -s -p udp` (and the UDP sections of `netstat -s`): "Datagrams Received = N",
 * "No Ports", "Receive Errors", for IPv4 and IPv6 added together. Windows has no full-buffer
 * count of its own: rcvbufErrors stays null and Receive Errors (which includes them) is inErrors.
 */
export function parseNetstatUdpWindows(text: string): UdpDropCounters {
  let section: 'udp' | 'other' | null = null;
  let total: UdpDropCounters = { ...EMPTY };
  let current: UdpDropCounters | null = null;
  const close = (): void => {
    if (current) total = addCounters(total, current);
    current = null;
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    if (/statistics for ipv[46]$/i.test(line) || /^ipv[46] statistics$/i.test(line)) {
      close();
      section = /^udp statistics/i.test(line) ? 'udp' : 'other';
      if (section === 'udp') current = { ...EMPTY };
      continue;
    }
    if (section !== 'udp' || !current) continue;
    const m = /^(.+?)\s*=\s*(\d+)$/.exec(line);
    if (!m) continue;
    const n = count(m[2]);
    const name = m[1]!.toLowerCase().replace(/\s+/g, ' ');
    if (name === 'datagrams received') current.inDatagrams = n;
    else if (name === 'no ports') current.noPorts = n;
    else if (name === 'receive errors') current.inErrors = n;
  }
  close();
  return total;
}
