// The generator service over real loopback sockets, through the contract's door as the UI calls it.
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import type { EventName, EventPayload, GapscopeService } from '../../shared/contract';
import { createDispatcher } from '../../shared/rpc/dispatcher';
import { TimelineLog } from '../kernel/timeline';
import { listInterfaces } from '../network/interfaces';
import { freeUdpPort } from '../testing/builtWorker';
import { createSenderService } from './senderService';
import { loopbackDrops } from '../../lab/loopbackDrops';
import { waitUntil } from '../../lab/waitUntil';

function setup() {
  const events: { name: EventName; payload: unknown }[] = [];
  const timeline = new TimelineLog();
  const emit = <E extends EventName>(name: E, payload: EventPayload<E>) => void events.push({ name, payload });
  const svc = createSenderService({ emit, timeline, dataDir: '/nonexistent', mode: 'web' }, listInterfaces);
  const dispatch = createDispatcher(svc.handlers as unknown as GapscopeService);
  return { svc, dispatch, events, timeline };
}

describe('sender service', () => {
  it('sends what it was asked to loopback, reports it and posts start and end on the timeline', async () => {
    const { dispatch, events, timeline, svc } = setup();
    const port = await freeUdpPort();
    const sock = createSocket('udp4');
    let received = 0;
    sock.on('message', () => received++);
    await new Promise<void>((r) => sock.bind(port, '127.0.0.1', () => r()));
    sock.setRecvBufferSize(4 << 20);
    try {
      const started = await dispatch('startSender', [{ host: '127.0.0.1', port, rate: '1000', size: 200, durationSec: 0.3 }]);
      expect(started).toMatchObject({ ok: true, value: { status: 'sending', targetPps: 1000, config: { format: 'seq', pattern: 'steady' } } });
      await waitUntil(() => events.some((e) => e.name === 'senderStatus' && (e.payload as { status: string }).status === 'done'), 'the sender to be done', 30_000);
      const done = events.filter((e) => e.name === 'senderStatus').at(-1)!.payload as { status: string; sent: number; bytes: number };
      expect(done).toMatchObject({ status: 'done', sent: 300, bytes: 60_000 });
      // Every datagram arrives, or the kernel counts it dropped (loopback drops when a busy machine holds the reader back).
      const drops = () => loopbackDrops(port) ?? 0;
      await waitUntil(() => received + drops() >= 300, '300 datagrams received or dropped', 30_000);
      expect(received + drops()).toBe(300);
      expect(timeline.list().map((e) => [e.source, e.kind])).toEqual([
        ['generator', 'sender-started'],
        ['generator', 'sender-finished'],
      ]);
      const list = await dispatch('listSenders', []);
      expect(list.ok && (list.value as unknown[]).length).toBe(1);
    } finally {
      sock.close();
      await svc.close?.();
    }
  });

  it('stops a sender on demand and keeps its counts', async () => {
    const { dispatch, svc } = setup();
    const port = await freeUdpPort();
    const started = await dispatch('startSender', [{ host: '127.0.0.1', port, rate: '500' }]);
    const id = started.ok ? (started.value as { id: string }).id : '';
    const sentSoFar = async () => {
      const list = await dispatch('listSenders', []);
      return list.ok ? ((list.value as { id: string; sent: number }[]).find((x) => x.id === id)?.sent ?? 0) : 0;
    };
    await waitUntil(async () => (await sentSoFar()) > 50, 'more than 50 datagrams sent', 30_000);
    const stopped = await dispatch('stopSender', [id]);
    expect(stopped).toMatchObject({ ok: true, value: { status: 'stopped' } });
    expect(stopped.ok && (stopped.value as { sent: number }).sent).toBeGreaterThan(50);
    expect(await dispatch('removeSender', [id])).toEqual({ ok: true, value: null });
    expect(await dispatch('stopSender', [id])).toMatchObject({ ok: false, error: { code: 'not-found' } });
    await svc.close?.();
  });

  it('refuses bad requests with one clear sentence before sending anything', async () => {
    const { dispatch } = setup();
    const bad = async (cfg: unknown) => {
      const r = await dispatch('startSender', [cfg]);
      expect(r.ok).toBe(false);
      return r.ok ? '' : `${r.error.code}: ${r.error.message}`;
    };
    expect(await bad({ host: 'nope', port: 4000 })).toMatch(/^invalid-argument: The host is not an IPv4 or IPv6 address\.$/);
    expect(await bad({ host: '127.0.0.1', port: 70000 })).toMatch(/Port must be 1–65535/);
    expect(await bad({ host: '127.0.0.1', port: 4000, rate: 'fast' })).toMatch(/The rate is not a rate/);
    expect(await bad({ host: '127.0.0.1', port: 4000, rate: '2000000' })).toMatch(/generator stops at 1,000,000/);
    expect(await bad({ host: '127.0.0.1', port: 4000, pattern: 'sometimes' })).toMatch(/The pattern is not one of/);
    expect(await bad({ host: '127.0.0.1', port: 4000, format: 'gdl90', pattern: 'burst:5/100' })).toMatch(/The pattern must be steady or pause:ON_MS\/OFF_MS with gdl90/);
    expect(await bad({ host: '239.1.2.3', port: 4000, iface: 'nosuchif0' })).toMatch(/no-such-interface: No interface "nosuchif0"/);
    expect(await bad({ host: '127.0.0.1', port: 4000, format: 'rtp', pair: true })).toMatch(/^invalid-argument: The pairing must go with the seq format, which carries the sender's account; rtp has no room for it\.$/);
    expect(await bad({ host: '127.0.0.1', port: 4000, size: 40, pair: true })).toMatch(/The pairing must go with datagrams of 52 bytes or more/);
    expect(await bad({ host: '127.0.0.1', port: 4000, sweep: 'rate:5000-1000/4' })).toMatch(/The sweep is not rate:FROM-TO\/STEPS/);
    expect(await bad({ host: '127.0.0.1', port: 4000, sweep: 'rate:1000-2000000/4' })).toMatch(/The sweep must stay at or below 1,000,000 packets\/s, where the generator stops; it reaches 2000000\./);
    expect(await bad({ host: '127.0.0.1', port: 4000, sweep: 'rate:1000-2000/4', durationSec: 5 })).toMatch(/The sweep must go without a duration/);
    expect(await bad({ host: '127.0.0.1', port: 4000, sweep: 'rate:1000-2000/4', pair: false })).toMatch(/The sweep must go with the seq format and pairing/);
    expect(await bad({ host: '127.0.0.1', port: 4000, sweep: 'burst:10-20/2' })).toMatch(/The sweep must go with a burst pattern/);
    expect(await bad({ host: '127.0.0.1', port: 4000, sweep: 'size:16-1400/4' })).toMatch(/The sweep must keep sizes from 52/);
  });
});
