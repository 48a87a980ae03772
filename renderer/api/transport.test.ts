import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWebSocketTransport } from './transport';

// A browser WebSocket stand-in: the test opens, answers and closes it.
class FakeSocket extends EventTarget {
  static OPEN = 1;
  static last: FakeSocket | null = null;
  readyState = 0;
  sent: string[] = [];
  constructor(readonly url: string) {
    super();
    FakeSocket.last = this;
  }
  send(data: string): void {
    this.sent.push(data);
  }
  open(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }
  message(data: unknown): void {
    this.dispatchEvent(Object.assign(new Event('message'), { data: JSON.stringify(data) }));
  }
  closeWith(code: number, reason: string): void {
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event('close'), { code, reason }));
  }
}

describe('the web transport', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('WebSocket', FakeSocket);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('passes events on, web mode notices included', async () => {
    const transport = createWebSocketTransport('ws://x/api', () => undefined);
    const heard: unknown[] = [];
    transport.onEvent((name, payload) => heard.push([name, payload]));
    FakeSocket.last!.open();
    FakeSocket.last!.message({ type: 'event', name: 'streamsSkipped', payload: { ids: ['s1'] } });
    expect(heard).toEqual([['streamsSkipped', { ids: ['s1'] }]]);
  });

  it("fails calls in flight with the server's reason when it drops the connection", async () => {
    const states: string[] = [];
    const transport = createWebSocketTransport('ws://x/api', (s) => states.push(s));
    FakeSocket.last!.open();
    const pending = transport.call('getAppInfo', []);
    await Promise.resolve();
    expect(JSON.parse(FakeSocket.last!.sent[0]!)).toMatchObject({ type: 'call', method: 'getAppInfo', args: [] });
    FakeSocket.last!.closeWith(1008, 'Too many messages: at most 200 a second (400 at once).');
    expect(await pending).toEqual({ ok: false, error: { code: 'internal', message: 'The Gapscope back end closed the connection: Too many messages: at most 200 a second (400 at once).' } });
    expect(states).toEqual(['connecting', 'open', 'closed']);
    vi.advanceTimersByTime(1000);
    expect(states.at(-1)).toBe('connecting');
  });

  it('says the connection was lost when the server gave no reason', async () => {
    const transport = createWebSocketTransport('ws://x/api', () => undefined);
    FakeSocket.last!.open();
    const pending = transport.call('getAppInfo', []);
    await Promise.resolve();
    FakeSocket.last!.closeWith(1006, '');
    expect(await pending).toMatchObject({ ok: false, error: { message: 'The connection to the Gapscope back end was lost.' } });
  });
});
