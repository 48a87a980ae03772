import { describe, expect, it } from 'vitest';
import tcp from './fixtures/linux-proc-net-tcp-lab.txt?raw';
import tcp6 from './fixtures/linux-proc-net-tcp6-lab.txt?raw';
import udp from './fixtures/linux-proc-net-udp-lab.txt?raw';
import udp6 from './fixtures/linux-proc-net-udp6-lab.txt?raw';
import { countSockets, parseProcNetStates } from './procNet';

describe('/proc/net socket tables (real output: one listener, one connection, two UDP sockets)', () => {
  it('reads each socket line\'s state', () => {
    expect(parseProcNetStates(tcp)).toEqual(['0A', '01', '01']);
    expect(parseProcNetStates(tcp6)).toEqual([]);
  });
  it('counts UDP and TCP sockets by state across both families', () => {
    expect(countSockets({ tcp, tcp6, udp, udp6 })).toEqual({ udp: 2, tcp: 3, tcpEstablished: 2, tcpListen: 1, tcpTimeWait: 0 });
  });
  it('counts a missing or empty table as no sockets', () => {
    expect(countSockets({})).toEqual({ udp: 0, tcp: 0, tcpEstablished: 0, tcpListen: 0, tcpTimeWait: 0 });
    expect(parseProcNetStates('garbage\n\n  1: x')).toEqual([]);
  });
});
