import { describe, expect, it } from 'vitest';
import { datagramCost, suggestRecvBuffer } from './receiveBuffer';

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
