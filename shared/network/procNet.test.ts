import { describe, expect, it } from 'vitest';
import tcp from './fixtures/linux-proc-net-tcp-lab.txt?raw';
import tcp6 from './fixtures/linux-proc-net-tcp6-lab.txt?raw';
import udp from './fixtures/linux-proc-net-udp-lab.txt?raw';
import udp6 from './fixtures/linux-proc-net-udp6-lab.txt?raw';
import { countNetstatAn, countSockets, parseProcNetStates } from './procNet';

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

describe('netstat -an (macOS and Windows layouts, written here in their documented columns)', () => {
  it('counts by protocol and TCP state', () => {
    const mac = [
      'Active Internet connections (including servers)',
      'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)',
      'tcp4       0      0  192.168.1.72.52344     17.57.146.20.5223      ESTABLISHED',
      'tcp46      0      0  *.7000                 *.*                    LISTEN',
      'tcp4       0      0  192.168.1.72.52301     140.82.112.4.443       TIME_WAIT',
      'udp4       0      0  *.5353                 *.*',
      'udp6       0      0  *.5353                 *.*',
    ].join('\n');
    expect(countNetstatAn(mac)).toEqual({ udp: 2, tcp: 3, tcpEstablished: 1, tcpListen: 1, tcpTimeWait: 1 });
    const win = ['Active Connections', '', '  Proto  Local Address          Foreign Address        State', '  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING', '  UDP    0.0.0.0:5353           *:*'].join('\r\n');
    expect(countNetstatAn(win)).toEqual({ udp: 1, tcp: 1, tcpEstablished: 0, tcpListen: 1, tcpTimeWait: 0 });
  });
});
