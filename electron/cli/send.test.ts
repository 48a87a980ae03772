// `gapscope send` over the sender service through the contract's door, to a real socket on loopback.
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SenderInfo } from '../../shared/contract/sender';
import { listInterfaces } from '../network/interfaces';
import { createSenderService } from '../sender/senderService';
import { registerSendCommands } from './send';
import { featureApi } from './testing/featureApi';

let sink: Socket;
let port = 0;
let received = 0;
beforeAll(async () => {
  sink = createSocket('udp4');
  sink.on('message', () => void received++);
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
  port = (sink.address() as AddressInfo).port;
});
afterAll(() => sink.close());

async function run(args: string[], untilStopped?: () => Promise<void>): Promise<{ out: string[]; err: string[]; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  let code = 0;
  const p = new Command('gapscope').exitOverride();
  registerSendCommands(p, { out: (l) => out.push(l), err: (l) => err.push(l), setExitCode: (c) => (code = c), withApi: featureApi((ctx) => createSenderService(ctx, listInterfaces)), untilStopped });
  for (const c of p.commands) c.exitOverride();
  await p.parseAsync(['node', 'gapscope', 'send', ...args]);
  return { out, err, code };
}

describe('gapscope send', () => {
  it('sends rate × duration datagrams and prints the sender as the Send panel sees it', async () => {
    const before = received;
    const r = await run(['--to', `127.0.0.1:${port}`, '--rate', '200', '--size', '64', '--duration', '0.5', '--json']);
    const s = JSON.parse(r.out.at(-1)!) as SenderInfo;
    expect(s).toMatchObject({ status: 'done', sent: 100, bytes: 6400, sendErrors: 0, targetPps: 200, config: { host: '127.0.0.1', port, rate: '200', size: 64 } });
    // Loopback delivers them all; wait for the last to be read (at most 2 s), then count.
    for (const end = Date.now() + 2000; received - before < 100 && Date.now() < end; ) await new Promise((res) => setImmediate(res));
    expect(received - before).toBe(100);
    expect(r.code).toBe(0);
  });

  it('sweeps the rate in steps, printing each and what each sent, its datagrams paired', async () => {
    const r = await run(['--to', `127.0.0.1:${port}`, '--size', '64', '--sweep', 'rate:100-300/3', '--step-sec', '0.3']);
    expect(r.out[0]).toBe(`Sweeping rate to 127.0.0.1:${port}: 100 packets/s, 200 packets/s, 300 packets/s, 0.3 s each (steady). \`gapscope listen\` on the other end reports the first step with loss or gaps. Ctrl+C to stop.`);
    expect(r.out[1]).toMatch(/^Each datagram carries this sender's account \(run [0-9a-f]{8}\)/);
    // 0.3 s at 100, 200 and 300/s: 29, 59 and 89 (the datagram due on a boundary opens the next step).
    expect(r.out.slice(-3)).toEqual([
      '  step   1       100 packets/s  sent        29  from sequence 0',
      '  step   2       200 packets/s  sent        59  from sequence 29',
      '  step   3       300 packets/s  sent        89  from sequence 88',
    ]);
    expect(r.out.at(-4)).toMatch(/^Sent 177 datagrams/);
    const j = await run(['--to', `127.0.0.1:${port}`, '--size', '64', '--sweep', 'size:64-128/2', '--step-sec', '0.2', '--rate', '100', '--json']);
    const s = JSON.parse(j.out.at(-1)!) as SenderInfo;
    expect(s).toMatchObject({ status: 'done', paired: true, targetPps: null, sweep: { kind: 'size', values: [64, 128], steps: [{ step: 0, value: 64, sent: 19 }, { step: 1, value: 128, sent: 19 }] } });
    expect(s.bytes).toBe(19 * 64 + 19 * 128);
  });

  it('stops on Ctrl+C with what was sent so far', async () => {
    const r = await run(['--to', `127.0.0.1:${port}`, '--rate', '1000'], () => new Promise((res) => setTimeout(res, 300)));
    expect(r.out[0]).toBe(`Sending 512-byte datagrams to 127.0.0.1:${port} at 1000 packets/s (steady). Ctrl+C to stop.`);
    expect(r.out.at(-1)).toMatch(/^Sent \d+ datagrams \(\d+ bytes\) in 0\.\d\d s: \d+ packets\/s for a target of 1000\.$/);
  });

  it('refuses a bad destination, rate, size or pattern with the Send panel\u2019s sentences, before sending', async () => {
    const before = received;
    await expect(run(['--to', `printer:${port}`])).rejects.toMatchObject({ code: 'invalid-argument', message: 'The host is not an IPv4 or IPv6 address.', field: 'host' });
    await expect(run(['--to', '127.0.0.1:70000'])).rejects.toMatchObject({ message: 'Port must be 1–65535.', field: 'port' });
    await expect(run(['--to', `127.0.0.1:${port}`, '--rate', 'fast'])).rejects.toMatchObject({ message: expect.stringMatching(/^The rate is not a rate: give packets\/s/), field: 'rate' });
    await expect(run(['--to', `127.0.0.1:${port}`, '--size', '8'])).rejects.toMatchObject({ message: 'Size is 16 to 65,507 bytes.', field: 'size' });
    await expect(run(['--to', `127.0.0.1:${port}`, '--format', 'gdl90', '--pattern', 'burst:5/100'])).rejects.toMatchObject({ field: 'pattern', message: expect.stringMatching(/^The pattern must be steady or pause/) });
    expect(received).toBe(before);
  });
});
