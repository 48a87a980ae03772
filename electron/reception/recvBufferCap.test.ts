// On this machine's real kernel: a real UDP socket on loopback (bound, never sent to) asks for
// more than net.core.rmem_max allows, and the verdict says the cap as /proc says it. Nothing is
// changed on the host: the test reads the cap and asks above and below it.
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { judgeRecvBuffer } from '../../shared/reception/receiveBuffer';
import { readRecvBufferCap } from './recvBufferCap';

describe.runIf(process.platform === 'linux')('the receive buffer cap on this Linux', () => {
  async function reported(ask: number): Promise<number> {
    const sock = createSocket('udp4');
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
    try {
      try {
        sock.setRecvBufferSize(ask);
      } catch {
        // As the receiver does: what was granted is read below.
      }
      return sock.getRecvBufferSize();
    } finally {
      sock.close();
    }
  }

  it('reads net.core.rmem_max as /proc has it', async () => {
    const cap = await readRecvBufferCap('linux');
    expect(cap).toEqual({ name: 'net.core.rmem_max', bytes: Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8').trim()) });
  });

  it('calls a request above the cap capped, at the cap, and one below it honoured whole', async () => {
    const cap = (await readRecvBufferCap('linux'))!;
    const above = cap.bytes * 2;
    const v = judgeRecvBuffer('linux', above, await reported(above), cap);
    expect(v.honoured).toBe(cap.bytes);
    expect(v.capped).toBe(true);
    expect(v.raise).toBe(`sudo sysctl -w net.core.rmem_max=${above}`);
    // Below the cap and above the kernel's minimum, Linux honours the request whole.
    const below = Math.max(8192, Math.floor(cap.bytes / 2 / 1024) * 1024);
    const w = judgeRecvBuffer('linux', below, await reported(below), cap);
    expect(w).toMatchObject({ honoured: below, capped: false });
  });
});
