/** System-wide socket counts from Linux /proc/net/{tcp,tcp6,udp,udp6}, to see a process that leaks sockets. */
import type { SocketCounts } from './types';

/** TCP states in /proc/net/tcp's `st` column (include/net/tcp_states.h). */
const TCP_ESTABLISHED = '01';
const TCP_TIME_WAIT = '06';
const TCP_LISTEN = '0A';

/** The `st` column of every socket line of one /proc/net table (the header line is skipped). */
export function parseProcNetStates(text: string): string[] {
  const states: string[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    // "0: 0100007F:1C84 00000000:0000 0A ...": slot, local, remote, state.
    if (f.length >= 4 && /^\d+:$/.test(f[0] ?? '') && /^[0-9A-F]{2}$/i.test(f[3] ?? '')) states.push((f[3] ?? '').toUpperCase());
  }
  return states;
}

/** Counts sockets from the four tables' text (missing tables count as empty). */
export function countSockets(tables: { tcp?: string; tcp6?: string; udp?: string; udp6?: string }): SocketCounts {
  const tcp = [...parseProcNetStates(tables.tcp ?? ''), ...parseProcNetStates(tables.tcp6 ?? '')];
  return {
    udp: parseProcNetStates(tables.udp ?? '').length + parseProcNetStates(tables.udp6 ?? '').length,
    tcp: tcp.length,
    tcpEstablished: tcp.filter((s) => s === TCP_ESTABLISHED).length,
    tcpListen: tcp.filter((s) => s === TCP_LISTEN).length,
    tcpTimeWait: tcp.filter((s) => s === TCP_TIME_WAIT).length,
  };
}

/** Counts sockets from `netstat -an` (macOS `-an`, Windows `-an`): lines starting with tcp/udp, TCP by state word. */
export function countNetstatAn(text: string): SocketCounts {
  const c: SocketCounts = { udp: 0, tcp: 0, tcpEstablished: 0, tcpListen: 0, tcpTimeWait: 0 };
  for (const line of text.split(/\r?\n/)) {
    const f = line.trim().split(/\s+/);
    const proto = (f[0] ?? '').toLowerCase();
    if (/^udp(4|6|46)?$/.test(proto)) c.udp++;
    else if (/^tcp(4|6|46)?$/.test(proto)) {
      c.tcp++;
      const state = (f[f.length - 1] ?? '').toUpperCase();
      if (state === 'ESTABLISHED') c.tcpEstablished++;
      else if (state === 'LISTEN' || state === 'LISTENING') c.tcpListen++;
      else if (state === 'TIME_WAIT') c.tcpTimeWait++;
    }
  }
  return c;
}
