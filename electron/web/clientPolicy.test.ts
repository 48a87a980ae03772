import { describe, expect, it } from 'vitest';
import { MessageRate, SlowClient, type BackpressureLimits } from './clientPolicy';

describe('MessageRate', () => {
  it('allows a burst, then the sustained rate', () => {
    const rate = new MessageRate({ perSecond: 10, burst: 5 }, 0);
    expect(Array.from({ length: 6 }, () => rate.take(0))).toEqual([true, true, true, true, true, false]);
    expect(rate.take(50)).toBe(false); // half a token back
    expect(rate.take(100)).toBe(true);
    expect(rate.take(100)).toBe(false);
    // Tokens come back up to the burst, not beyond.
    expect(Array.from({ length: 7 }, () => rate.take(10_000)).filter(Boolean)).toHaveLength(5);
  });
});

const limits: BackpressureLimits = { coalesceAboveBytes: 1000, resumeBelowBytes: 200, dropAboveBytes: 5000, pingEveryBytes: 100, pongTimeoutMs: 60_000 };

describe('SlowClient', () => {
  it('sends everything to a client that answers its pings', () => {
    const c = new SlowClient(limits);
    for (let i = 0; i < 100; i++) {
      expect(c.deliver('s1', i)).toBe('send');
      const ping = c.sent(60, i);
      if (ping) c.pong(ping);
    }
    expect(c.unread).toBeLessThan(200);
    expect(c.behind).toBe(false);
  });

  it('counts as unread all that was sent since the last answered ping, kernel buffers included', () => {
    const c = new SlowClient(limits);
    expect(c.sent(60, 0)).toBeNull();
    const ping = c.sent(60, 0);
    expect(ping).not.toBeNull();
    // One ping at a time.
    expect(c.sent(500, 0)).toBeNull();
    expect(c.unread).toBe(620);
    // An unsolicited pong, or one with another payload, proves nothing.
    c.pong('gs999');
    expect(c.unread).toBe(620);
    c.pong(ping!);
    expect(c.unread).toBe(500);
    // What was sent after the ping is still unread: the next ping is due at once.
    expect(c.pingDue(0)).not.toBeNull();
  });

  it('holds back stream updates past the bound, every later one of that stream too, and sends the rest', () => {
    const c = new SlowClient(limits);
    c.sent(1001, 0);
    expect(c.deliver('s1', 0)).toBe('skip');
    expect(c.deliver('s2', 0)).toBe('skip');
    expect(c.deliver(null, 0)).toBe('send'); // a reply, a status: small, still sent
    expect(c.behind).toBe(true);
    expect(c.caughtUp()).toBeNull();
  });

  it('tells a client that caught up which streams to reload, once, and resumes their updates', () => {
    const c = new SlowClient(limits);
    const ping = c.sent(1001, 0);
    expect(c.deliver('s1', 0)).toBe('skip');
    expect(c.deliver('s2', 0)).toBe('skip');
    c.forget('s2'); // removed meanwhile: nothing to reload
    c.pong(ping!);
    expect(c.caughtUp()).toEqual(['s1']);
    expect(c.caughtUp()).toBeNull();
    expect(c.deliver('s1', 0)).toBe('send');
  });

  it('keeps skipping a stream whose update was skipped until the client caught up, even under the bound', () => {
    const c = new SlowClient(limits);
    const ping = c.sent(1001, 0);
    c.deliver('s1', 0);
    c.pong(ping!); // unread 0, but the notice has not gone out yet
    expect(c.deliver('s1', 0)).toBe('skip');
    expect(c.caughtUp()).toEqual(['s1']);
  });

  it('drops a client that leaves too much unread, or answers no ping for too long', () => {
    const full = new SlowClient(limits);
    full.sent(5001, 0);
    expect(full.deliver(null, 0)).toBe('drop');
    const silent = new SlowClient(limits);
    silent.sent(150, 0);
    expect(silent.silentFor(60_000)).toBe(false);
    expect(silent.silentFor(60_001)).toBe(true);
    expect(silent.deliver(null, 60_001)).toBe('drop');
  });
});
