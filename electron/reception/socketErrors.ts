/** Explains socket errors in plain words, with the stable code the UI and CLI show. */
import type { ErrorInfo } from '../../shared/contract';
import { formatEndpoint } from '../../shared/net/address';

/** Maps a Node socket error from bind, join or receive to an ErrorInfo a person understands. */
export function explainSocketError(err: unknown, step: 'bind' | 'join' | 'receive', where: { address: string; port: number; group?: string; unicast?: boolean; holders?: string }): ErrorInfo {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  const endpoint = formatEndpoint(where.address, where.port);
  const detail = err instanceof Error ? err.message : String(err);
  if (step === 'join') {
    const reason =
      code === 'ENODEV' || code === 'EADDRNOTAVAIL'
        ? 'the interface does not exist or has no address of that family'
        : code === 'EINVAL'
          ? 'the group, source or interface is not valid for this socket'
          : code === 'ENOBUFS'
            ? 'the system limit on group memberships was reached'
            : detail;
    return { code: 'join-failed', message: `Could not join ${where.group ?? 'the group'}: ${reason}.` };
  }
  switch (code) {
    case 'EADDRINUSE':
      if (where.unicast) {
        // Gapscope binds a unicast port alone: sharing it (SO_REUSEADDR) would let the kernel hand
        // one of the two sockets every datagram, and the program under test would get none.
        const who = where.holders ? `by ${where.holders}` : 'by another program';
        return { code: 'port-in-use', message: `${endpoint} is already in use ${who}. Gapscope does not share a unicast port: one of the two would receive nothing. To watch that program's traffic without taking it, use the wire view alone (gapscope listen --wire only); for a device that sends to a broadcast address, give that address to share the port; or stop the program, or choose another port.` };
      }
      return { code: 'port-in-use', message: `${endpoint} is already in use by a program that does not share it (SO_REUSEADDR). Stop it or choose another port.` };
    case 'EACCES':
    case 'EPERM':
      return { code: 'permission-denied', message: `Not allowed to listen on ${endpoint}${where.port < 1024 ? ' (ports below 1024 need administrator rights)' : ''}.` };
    case 'EADDRNOTAVAIL':
      return { code: 'address-not-available', message: `${where.address} is not an address of this machine, so nothing can be received on it.` };
    case 'EAFNOSUPPORT':
      return { code: 'address-not-available', message: `This machine does not support that address family (${where.address}).` };
    default:
      return { code: 'socket-error', message: `Socket error while trying to ${step} ${endpoint}: ${detail}` };
  }
}
