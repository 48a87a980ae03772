// One agent link against real WebSocket servers on loopback that misbehave as a real peer can: one
// that goes silent without closing (a cable pulled), and one that is not an agent's API at all.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AgentInfo } from '../../shared/contract/agents';
import { waitUntil } from '../../lab/waitUntil';
import { AgentLink, LINK_TIMING, unreachableReason } from './agentLink';

const FAST = { ...LINK_TIMING, heartbeatMs: 150, firstRetryMs: 100, maxRetryMs: 400 };

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** An HTTP server on loopback; with `answer`, a WebSocket server at /api that answers getAppInfo. */
async function startPeer(answer: boolean): Promise<{ port: number; sockets: WebSocket[] }> {
  const http: Server = createServer((_req, res) => res.writeHead(404).end());
  const sockets: WebSocket[] = [];
  if (answer) {
    const wss = new WebSocketServer({ server: http, path: '/api' });
    wss.on('connection', (ws) => {
      sockets.push(ws);
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as { id: number; method: string };
        const value = m.method === 'getAppInfo' ? { version: 'test', platform: 'linux-x64', mode: 'web' } : [];
        ws.send(JSON.stringify({ type: 'reply', id: m.id, outcome: { ok: true, value } }));
      });
    });
    cleanup.push(() => new Promise<void>((r) => wss.close(() => r())));
  }
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  cleanup.push(() => {
    // Upgraded sockets are not the HTTP server's to close: end them first, or close() waits for ever.
    for (const ws of sockets) ws.terminate();
    http.closeAllConnections();
    return new Promise<void>((r) => http.close(() => r()));
  });
  return { port: (http.address() as AddressInfo).port, sockets };
}

function follow(url: string): { link: AgentLink; states: AgentInfo[] } {
  const states: AgentInfo[] = [];
  const link = new AgentLink({ id: 'a1', name: 'box', url, token: 'secret-token' }, { onState: (i) => states.push(i), onConnected: async () => undefined, onEvent: () => undefined }, FAST);
  cleanup.push(() => link.close());
  return { link, states };
}

describe('an agent link', () => {
  it('takes a peer that stops answering (but never closes) as lost, and says so', async () => {
    const peer = await startPeer(true);
    const { link } = follow(`ws://127.0.0.1:${peer.port}/api`);
    await waitUntil(() => link.info().state === 'connected', 'the link to connect');
    // The peer stops reading its socket: no pong, no reply, the TCP connection still up.
    for (const ws of peer.sockets) (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await waitUntil(() => link.info().state === 'unreachable', 'the silent peer to be taken as lost');
    expect(link.info().reason).toBe(`127.0.0.1:${peer.port} stopped answering: the agent or the network between is down.`);
  });

  it('says a server that is not an agent answers, and keeps trying with a growing wait', async () => {
    const peer = await startPeer(false);
    const { link, states } = follow(`ws://127.0.0.1:${peer.port}/api`);
    await waitUntil(() => states.filter((s) => s.state === 'unreachable' && s.retryAt !== null).length >= 3, 'three failed tries');
    expect(link.info().reason).toMatch(/answers, but not as a Gapscope agent's API/);
    const waits = states.filter((s) => s.retryAt !== null).map((s) => s.retryAt as number);
    // 100 ms, 200 ms, 400 ms: each wait at least as long as the one before (to the cap).
    expect(waits[2]! - waits[1]!).toBeGreaterThanOrEqual(200);
    expect(JSON.stringify(states)).not.toContain('secret-token');
  });

  it('refuses a call at once while unreachable, with the reason', async () => {
    const peer = await startPeer(false);
    const { link } = follow(`ws://127.0.0.1:${peer.port}/api`);
    await waitUntil(() => link.info().state === 'unreachable', 'the link to be unreachable');
    await expect(link.api.listStreams()).rejects.toMatchObject({ message: expect.stringContaining('The agent box cannot be reached now') });
  });
});

describe('unreachableReason', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, 'nothing listens at 10.0.0.5:9477: is the agent running, on that port?'],
    [{ status: 403 }, /refused the token/],
    [{ code: 'EHOSTUNREACH' }, 'no route to 10.0.0.5:9477 from this machine.'],
    [{ code: 'handshake-timeout' }, /no answer from 10\.0\.0\.5:9477 within 5 s/],
  ])('%j', (err, words) => {
    expect(unreachableReason('ws://10.0.0.5:9477/api', err)).toMatch(words);
  });
});
