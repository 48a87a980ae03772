import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWebSocketTransport, retryDelayMs, type ConnectionDetail, type ConnectionState } from './transport';

// A browser WebSocket stand-in: the test opens, answers and closes it.
class FakeSocket extends EventTarget {
  static OPEN = 1;
  static made: FakeSocket[] = [];
  static get last(): FakeSocket {
    return FakeSocket.made.at(-1)!;
  }
  readyState = 0;
  sent: string[] = [];
  constructor(readonly url: string) {
    super();
    FakeSocket.made.push(this);
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
  /** Answers the first call the transport sent on this socket, as a back end that took the client does. */
  answerHello(): void {
    const hello = JSON.parse(this.sent[0]!) as { id: number; method: string };
    expect(hello).toMatchObject({ type: 'call', method: 'getAppInfo', args: [] });
    this.message({ type: 'reply', id: hello.id, outcome: { ok: true, value: { mode: 'web' } } });
  }
  closeWith(code: number, reason: string): void {
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event('close'), { code, reason }));
  }
}

/** Lets the promise chains of a call run (the transport awaits its connection before sending). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

const AT_LIMIT = 'Gapscope is at its limit of 1 clients: close another tab or client, or restart serve with a higher --max-clients.';

function watch(): { states: [ConnectionState, ConnectionDetail][]; onState: (s: ConnectionState, d: ConnectionDetail) => void } {
  const states: [ConnectionState, ConnectionDetail][] = [];
  return { states, onState: (s, d) => states.push([s, d]) };
}

describe('the web transport', () => {
  beforeEach(() => {
    FakeSocket.made = [];
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
    FakeSocket.last.open();
    FakeSocket.last.answerHello();
    FakeSocket.last.message({ type: 'event', name: 'streamsSkipped', payload: { ids: ['s1'] } });
    expect(heard).toEqual([['streamsSkipped', { ids: ['s1'] }]]);
  });

  it('is open once the back end answered, not when the socket opened, and only then sends the calls made meanwhile', async () => {
    const { states, onState } = watch();
    const transport = createWebSocketTransport('ws://x/api', onState);
    const early = transport.call('getHealth', []);
    FakeSocket.last.open();
    await Promise.resolve();
    expect(states.map(([s]) => s)).toEqual(['connecting']);
    expect(FakeSocket.last.sent).toHaveLength(1);
    FakeSocket.last.answerHello();
    expect(states.map(([s]) => s)).toEqual(['connecting', 'open']);
    await settle();
    expect(FakeSocket.last.sent).toHaveLength(2);
    const call = JSON.parse(FakeSocket.last.sent[1]!) as { id: number };
    expect(call).toMatchObject({ method: 'getHealth' });
    FakeSocket.last.message({ type: 'reply', id: call.id, outcome: { ok: true, value: 7 } });
    expect(await early).toEqual({ ok: true, value: 7 });
  });

  it('says why a server at its client limit closed it, keeps saying it while it tries again, and backs off', async () => {
    const { states, onState } = watch();
    const transport = createWebSocketTransport('ws://x/api', onState);
    const waiting = transport.call('listStreams', []);
    let settled = false;
    void waiting.then(() => (settled = true));
    // The server lets the socket open and closes it at once with 1013 and its sentence.
    FakeSocket.last.open();
    FakeSocket.last.closeWith(1013, AT_LIMIT);
    expect(states.at(-1)).toEqual(['closed', { reason: AT_LIMIT, retryInS: 1, failures: 1 }]);
    expect(states.some(([s]) => s === 'open')).toBe(false);

    // Each try that is refused again waits twice as long (1, 2, 4 s …), and the reason stays told.
    for (const [failures, wait] of [[2, 1000], [3, 2000], [4, 4000]] as const) {
      vi.advanceTimersByTime(wait - 1);
      expect(FakeSocket.made).toHaveLength(failures - 1);
      vi.advanceTimersByTime(1);
      expect(FakeSocket.made).toHaveLength(failures);
      expect(states.at(-1)).toEqual(['connecting', { reason: AT_LIMIT, retryInS: null, failures: failures - 1 }]);
      FakeSocket.last.open();
      FakeSocket.last.closeWith(1013, AT_LIMIT);
      expect(states.at(-1)).toEqual(['closed', { reason: AT_LIMIT, retryInS: retryDelayMs(failures) / 1000, failures }]);
    }
    // The call made meanwhile was never sent to a socket that refused it: it waits for a taken one.
    await Promise.resolve();
    expect(settled).toBe(false);
    expect(FakeSocket.made.every((s) => s.sent.every((m) => (JSON.parse(m) as { method: string }).method === 'getAppInfo'))).toBe(true);

    // A tab closed elsewhere: the next try is taken; the reason is gone and the backoff starts over.
    vi.advanceTimersByTime(8000);
    FakeSocket.last.open();
    FakeSocket.last.answerHello();
    expect(states.at(-1)).toEqual(['open', { reason: null, retryInS: null, failures: 0 }]);
    await settle();
    expect(FakeSocket.last.sent).toHaveLength(2);
    FakeSocket.last.closeWith(1006, '');
    expect(states.at(-1)).toEqual(['closed', { reason: null, retryInS: 1, failures: 1 }]);
  });

  it('backs off to at most 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it("fails calls in flight with the server's reason when it drops the connection", async () => {
    const { states, onState } = watch();
    const transport = createWebSocketTransport('ws://x/api', onState);
    FakeSocket.last.open();
    FakeSocket.last.answerHello();
    const pending = transport.call('getAppInfo', []);
    await settle();
    expect(FakeSocket.last.sent).toHaveLength(2);
    expect(JSON.parse(FakeSocket.last.sent[1]!)).toMatchObject({ type: 'call', method: 'getAppInfo', args: [] });
    FakeSocket.last.closeWith(1008, 'Too many messages: at most 200 a second (400 at once).');
    expect(await pending).toEqual({ ok: false, error: { code: 'internal', message: 'The Gapscope back end closed the connection: Too many messages: at most 200 a second (400 at once).' } });
    expect(states.map(([s]) => s)).toEqual(['connecting', 'open', 'closed']);
    vi.advanceTimersByTime(1000);
    expect(states.at(-1)?.[0]).toBe('connecting');
  });

  it('says the connection was lost when the server gave no reason', async () => {
    const transport = createWebSocketTransport('ws://x/api', () => undefined);
    FakeSocket.last.open();
    FakeSocket.last.answerHello();
    const pending = transport.call('getAppInfo', []);
    await settle();
    expect(FakeSocket.last.sent).toHaveLength(2);
    FakeSocket.last.closeWith(1006, '');
    expect(await pending).toMatchObject({ ok: false, error: { message: 'The connection to the Gapscope back end was lost.' } });
  });
});
