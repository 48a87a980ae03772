import { describe, expect, it } from 'vitest';
import snmpHost from './fixtures/linux-proc-net-snmp-host.txt?raw';
import snmpLab from './fixtures/linux-proc-net-snmp-rcvbuf-lab.txt?raw';
import snmp6Lab from './fixtures/linux-proc-net-snmp6-rcvbuf-lab.txt?raw';
import udpDrops from './fixtures/linux-proc-net-udp-drops-lab.txt?raw';
import udp6Drops from './fixtures/linux-proc-net-udp6-drops-lab.txt?raw';
import udpQuiet from './fixtures/linux-proc-net-udp-lab.txt?raw';
import macUdp from './fixtures/macos-netstat-s-udp-section-PARTIAL.txt?raw';
import winUdp from './fixtures/windows-netstat-s-ipv4-udp-PARTIAL.txt?raw';
import { addCounters, counterRise, parseNetstatUdpMac, parseNetstatUdpWindows, parseProcNetSnmp, parseProcNetSnmp6, parseProcNetUdp, socketDropsOf, socketInodeOfLink } from './kernelDrops';

describe('Linux /proc/net/snmp and snmp6 (real files: a namespace after 50 + 30 datagrams hit two full 8 KiB buffers)', () => {
  it('reads the Udp line by its header, not by position', () => {
    expect(parseProcNetSnmp(snmpLab)).toEqual({ inDatagrams: 0, noPorts: 0, inErrors: 44, rcvbufErrors: 44 });
    expect(parseProcNetSnmp(snmpHost)).toEqual({ inDatagrams: 210470, noPorts: 43970, inErrors: 17, rcvbufErrors: 17 });
    // A kernel that puts the columns in another order reads the same.
    expect(parseProcNetSnmp('Udp: RcvbufErrors InDatagrams\nUdp: 7 9\n')).toEqual({ inDatagrams: 9, noPorts: null, inErrors: null, rcvbufErrors: 7 });
  });
  it('does not mistake UdpLite for Udp', () => {
    expect(parseProcNetSnmp(snmpLab.split('\n').filter((l) => !/^Udp: /.test(l)).join('\n'))).toEqual({ inDatagrams: null, noPorts: null, inErrors: null, rcvbufErrors: null });
  });
  it('reads snmp6 and adds the two families', () => {
    const v6 = parseProcNetSnmp6(snmp6Lab);
    expect(v6).toEqual({ inDatagrams: 0, noPorts: 0, inErrors: 24, rcvbufErrors: 24 });
    expect(addCounters(parseProcNetSnmp(snmpLab), v6)).toEqual({ inDatagrams: 0, noPorts: 0, inErrors: 68, rcvbufErrors: 68 });
  });
  it('says how much each counter rose; unknown stays unknown, a reset is no rise', () => {
    const before = { inDatagrams: 10, noPorts: 0, inErrors: 5, rcvbufErrors: 5 };
    expect(counterRise(before, parseProcNetSnmp(snmpLab))).toEqual({ inDatagrams: 0, noPorts: 0, inErrors: 39, rcvbufErrors: 39 });
    expect(counterRise(before, { ...before, rcvbufErrors: null })).toEqual({ inDatagrams: 0, noPorts: 0, inErrors: 0, rcvbufErrors: null });
  });
});

describe('Linux /proc/net/udp and udp6 (real files; the socket inodes came from /proc/PID/fd)', () => {
  it("reads each socket's port, queue and drops", () => {
    expect(parseProcNetUdp(udpDrops)).toEqual([{ inode: 582124, port: 4000, rxQueueBytes: 7680, drops: 44 }]);
    expect(parseProcNetUdp(udp6Drops)).toEqual([{ inode: 579547, port: 4006, rxQueueBytes: 7680, drops: 24 }]);
    expect(parseProcNetUdp(udpQuiet)).toEqual([{ inode: 415010, port: 7301, rxQueueBytes: 0, drops: 0 }]);
  });
  it("finds one socket's drops by inode, and says when it is not there", () => {
    expect(socketDropsOf(udpDrops, 582124)).toBe(44);
    expect(socketDropsOf(udp6Drops, 579547)).toBe(24);
    expect(socketDropsOf(udpDrops, 579547)).toBeNull();
    expect(socketDropsOf('', 1)).toBeNull();
  });
  it('reads the inode of a socket link only', () => {
    expect(socketInodeOfLink('socket:[582124]')).toBe(582124);
    expect(socketInodeOfLink('pipe:[5]')).toBeNull();
    expect(socketInodeOfLink('/dev/null')).toBeNull();
  });
});

describe('macOS netstat -s -p udp (published output, the udp section)', () => {
  it('reads full socket buffers, no socket and delivered', () => {
    expect(parseNetstatUdpMac(macUdp)).toEqual({ inDatagrams: 2707849, noPorts: 598, inErrors: 0, rcvbufErrors: 0 });
  });
  it('reads only the udp section of a longer netstat -s', () => {
    const longer = `tcp:\n\t5 dropped due to full socket buffers\n${macUdp.replace('0 dropped due to full socket buffers', '26 dropped due to full socket buffers')}ip:\n\t9 dropped due to full socket buffers\n`;
    expect(parseNetstatUdpMac(longer)).toEqual({ inDatagrams: 2707849, noPorts: 598, inErrors: 26, rcvbufErrors: 26 });
  });
});

describe('Windows netstat -s (published output, IPv4 and UDP sections)', () => {
  it('reads Receive Errors from the UDP section only, whatever the spacing or line ends', () => {
    const expected = { inDatagrams: 40722, noPorts: 352, inErrors: 67544, rcvbufErrors: null };
    expect(parseNetstatUdpWindows(winUdp)).toEqual(expected);
    expect(parseNetstatUdpWindows(winUdp.replace(/\n/g, '\r\n'))).toEqual(expected);
  });
  it('adds the IPv6 section when there is one', () => {
    const both = `${winUdp}\nUDP Statistics for IPv6\n\n  Datagrams Received    = 7511\n  No Ports              = 3121\n  Receive Errors        = 1\n  Datagrams Sent        = 5636\n`;
    expect(parseNetstatUdpWindows(both)).toEqual({ inDatagrams: 48233, noPorts: 3473, inErrors: 67545, rcvbufErrors: null });
  });
  it('reads nothing from text that has no UDP section', () => {
    expect(parseNetstatUdpWindows('garbage')).toEqual({ inDatagrams: null, noPorts: null, inErrors: null, rcvbufErrors: null });
  });
});
