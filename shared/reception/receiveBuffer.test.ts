import { describe, expect, it } from 'vitest';
import { datagramCost, judgeRecvBuffer, suggestRecvBuffer } from './receiveBuffer';

describe('receive buffer that would have held a burst', () => {
  it("costs a 512-byte datagram 1280 kernel bytes, as Linux counted it (an 8 KiB buffer held six: /proc/net/udp's rx_queue 0x1E00)", () => {
    expect(datagramCost(512)).toBe(1280);
    expect(6 * datagramCost(512)).toBeLessThanOrEqual(8192);
    expect(7 * datagramCost(512)).toBeGreaterThan(8192);
    expect(datagramCost(1472)).toBe(2304);
  });
  it('suggests nothing without drops', () => {
    expect(suggestRecvBuffer({ packetsBefore: 100, bytesBefore: 51_200, drops: 0, requested: 4096, granted: 8192 })).toBeNull();
  });
  it("asks for enough, under Linux's doubling, to hold what arrived and what was dropped (the lab's 2000-datagram burst)", () => {
    // 410 received + 1590 dropped = 2000 × 1280 = 2,560,000 kernel bytes; Linux grants twice the request.
    expect(suggestRecvBuffer({ packetsBefore: 410, bytesBefore: 209_920, drops: 1590, requested: 4096, granted: 8192 })).toBe(2_097_152);
    // Where the OS grants what is asked, twice as much.
    expect(suggestRecvBuffer({ packetsBefore: 410, bytesBefore: 209_920, drops: 1590, requested: 4096, granted: 4096 })).toBe(4_194_304);
  });
  it('never suggests less than twice the request (a drop says the request was too small)', () => {
    expect(suggestRecvBuffer({ packetsBefore: 1, bytesBefore: 100, drops: 1, requested: 8 << 20, granted: 16 << 20 })).toBe(16 << 20);
  });
});

describe('what a receive buffer really is (issue #13 item 9)', () => {
  const rmem = (bytes: number) => ({ name: 'net.core.rmem_max' as const, bytes });

  it('reads Linux’s "8 MiB of 8 MiB" under a 4 MiB rmem_max as 4 MiB, capped, with the command that raises it', () => {
    const v = judgeRecvBuffer('linux', 8 << 20, 8 << 20, rmem(4 << 20));
    expect(v).toMatchObject({ honoured: 4 << 20, capped: true, raise: 'sudo sysctl -w net.core.rmem_max=8388608' });
    expect(v.text).toBe('4.00 MiB of the 8.00 MiB asked: capped by net.core.rmem_max = 4.00 MiB. Raise it with: sudo sysctl -w net.core.rmem_max=8388608');
  });

  it('says a request Linux honoured whole is as asked, and why it reads double', () => {
    const v = judgeRecvBuffer('linux', 1 << 20, 2 << 20, rmem(4 << 20));
    expect(v).toMatchObject({ honoured: 1 << 20, capped: false, raise: null });
    expect(v.text).toBe('1.00 MiB as asked (Linux reports 2.00 MiB: it counts its bookkeeping too).');
  });

  it('on macOS takes the reported size as it is, and raises kern.ipc.maxsockbuf with room for its overhead', () => {
    const v = judgeRecvBuffer('darwin', 8 << 20, 4 << 20, { name: 'kern.ipc.maxsockbuf', bytes: 4 << 20 });
    expect(v).toMatchObject({ honoured: 4 << 20, capped: true, raise: 'sudo sysctl -w kern.ipc.maxsockbuf=10485760' });
  });

  it('says when the OS did not tell, and when it gave less with no cap it names', () => {
    expect(judgeRecvBuffer('linux', 8 << 20, null, rmem(4 << 20))).toMatchObject({ honoured: null, capped: false, text: 'Asked for 8.00 MiB; the OS did not say what it gave.' });
    expect(judgeRecvBuffer('win32', 8 << 20, 65536, null)).toMatchObject({ honoured: 65536, capped: true, raise: null, text: '64.0 KiB of the 8.00 MiB asked: the OS gave less than asked.' });
  });
});
