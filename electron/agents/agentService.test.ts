// Attaching to agents: a real agent (its own back end, a real stream on loopback, the agent's real
// HTTP/WebSocket server) and a real local back end that attaches to it through the contract.
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, EventPayload, GapscopeApi, StreamAlert, StreamInfo } from '../../shared/contract';
import type { AgentInfo } from '../../shared/contract/agents';
import { waitUntil } from '../../lab/waitUntil';
import { createBackend } from '../app/createBackend';
import type { Backend } from '../kernel/backend';
import { inProcessApi } from '../kernel/inProcessApi';
import { feedMetrics, type MetricsFeed } from '../metrics/metricsFeed';
import { startAgentServer, type AgentServer } from '../metrics/agentServer';
import { builtWorkerPath, freeUdpPort } from '../testing/builtWorker';

const TOKEN = 'agent-token-0123456789abcdef';

interface RunningAgent {
  backend: Backend;
  api: GapscopeApi;
  feed: MetricsFeed;
  server: AgentServer;
  udpPort: number;
  streamId: string;
}

async function startAgent(httpPort = 0): Promise<RunningAgent> {
  const backend = await createBackend({ mode: 'web', dataDir: mkdtempSync(join(tmpdir(), 'gs-agent-')), workerPath: builtWorkerPath(), watchNetwork: false });
  const api = inProcessApi(backend);
  const feed = await feedMetrics(api);
  const udpPort = await freeUdpPort();
  const info = await api.startStream({ port: udpPort, address: '127.0.0.1', label: 'bench device', decode: 'seq', gapMs: 200 });
  const server = await startAgentServer({ api, metrics: feed.metrics, access: { token: TOKEN }, host: '127.0.0.1', port: httpPort, backend, apiToken: TOKEN, log: () => undefined });
  return { backend, api, feed, server, udpPort, streamId: info.id };
}

async function stopAgent(a: RunningAgent): Promise<void> {
  await a.server.close();
  a.feed.close();
  await a.backend.close();
}

async function send(port: number, from: number, count: number): Promise<void> {
  const sock = createSocket('udp4');
  const payload = Buffer.alloc(64);
  for (let seq = from; seq < from + count; seq++) {
    payload.writeBigUInt64BE(BigInt(seq), 0);
    await new Promise<void>((r) => sock.send(payload, port, '127.0.0.1', () => r()));
  }
  sock.close();
}

/** Every event the local back end pushed, for the checks below. */
function recordEvents(backend: Backend): { name: EventName; payload: unknown }[] {
  const seen: { name: EventName; payload: unknown }[] = [];
  backend.onEvent(<E extends EventName>(name: E, payload: EventPayload<E>) => seen.push({ name, payload }));
  return seen;
}

let agent: RunningAgent;
let local: Backend;
let api: GapscopeApi;
let dataDir: string;
let events: { name: EventName; payload: unknown }[];
/** The local back end's /metrics collector, as `gapscope serve` feeds it, from before the agent is attached. */
let localFeed: MetricsFeed;

beforeAll(async () => {
  agent = await startAgent();
  dataDir = mkdtempSync(join(tmpdir(), 'gs-local-'));
  local = await createBackend({ mode: 'web', dataDir, workerPath: builtWorkerPath(), watchNetwork: false });
  api = inProcessApi(local);
  events = recordEvents(local);
  localFeed = await feedMetrics(api);
});

afterAll(async () => {
  localFeed?.close();
  await local?.close();
  if (agent) await stopAgent(agent);
});

const stateOf = async (id: string): Promise<AgentInfo | undefined> => (await api.listAgents()).find((a) => a.id === id);

describe('an attached agent', () => {
  let attached: AgentInfo;

  afterEach(() => {
    // No event nor answer carries the token.
    expect(JSON.stringify(events)).not.toContain(TOKEN);
  });

  it('connects, and its stream joins the list labelled by the agent, with an id no local stream has', async () => {
    attached = await api.attachAgent({ name: 'bench 1', address: `127.0.0.1:${agent.server.port}`, token: TOKEN });
    expect(attached).toMatchObject({ name: 'bench 1', url: `ws://127.0.0.1:${agent.server.port}/api`, state: 'connecting' });
    expect(JSON.stringify(attached)).not.toContain(TOKEN);
    await waitUntil(async () => (await stateOf(attached.id))?.state === 'connected', 'the agent to be connected');
    const id = `${agent.streamId}@${attached.id}`;
    await waitUntil(async () => (await api.listStreams()).some((s) => s.id === id), 'the agent stream in the list');
    const s = (await api.listStreams()).find((x) => x.id === id) as StreamInfo;
    expect(s.agent).toEqual({ id: attached.id, name: 'bench 1' });
    expect(s.config.label).toBe('bench device');
    expect((await stateOf(attached.id))?.streams).toBe(1);
    expect(events.some((e) => e.name === 'streamStatus' && (e.payload as StreamInfo).id === id)).toBe(true);
  });

  it('forwards its live updates and answers its state under the namespaced id', async () => {
    const id = `${agent.streamId}@${attached.id}`;
    await send(agent.udpPort, 0, 40);
    await waitUntil(() => events.some((e) => e.name === 'streamUpdate' && (e.payload as { id: string }).id === id && (e.payload as { delta: { totals: { packets: number } } }).delta.totals.packets >= 40), 'an update counting 40 packets');
    const state = await api.getStreamState(id);
    expect(state.info.id).toBe(id);
    expect(state.snapshot.totals.packets).toBe(40);
  });

  it("is left out of this side's /metrics (Prometheus scrapes the agent for it; both would count it twice), by event and by listing", async () => {
    const id = `${agent.streamId}@${attached.id}`;
    expect((await api.getStreamState(id)).snapshot.totals.packets).toBe(40);
    expect(agent.feed.metrics.streamLabels().map((s) => s.id)).toEqual([agent.streamId]);
    expect(localFeed.metrics.streamLabels()).toEqual([]);
    const later = await feedMetrics(api);
    try {
      expect(later.metrics.streamLabels()).toEqual([]);
    } finally {
      later.close();
    }
  });

  it('is read-only: stopping or removing its stream is refused with a sentence, and the stream keeps running', async () => {
    const id = `${agent.streamId}@${attached.id}`;
    await expect(api.stopStream(id)).rejects.toMatchObject({ code: 'unsupported', message: expect.stringContaining('bench 1') });
    await expect(api.removeStream(id)).rejects.toMatchObject({ code: 'unsupported' });
    expect((await agent.api.getStreamState(agent.streamId)).info.status).toBe('listening');
  });

  it("raises its own alerts on this side: the agent's streamAlert arrives under the namespaced id, and its state carries the alert", async () => {
    const quiet = await agent.api.startStream({ port: await freeUdpPort(), address: '127.0.0.1', label: 'quiet device', alertOn: ['no-data>300ms'] });
    const id = `${quiet.id}@${attached.id}`;
    try {
      await waitUntil(
        () => events.some((e) => e.name === 'streamAlert' && (e.payload as StreamAlert).id === id && (e.payload as StreamAlert).raised.some((a) => a.condition === 'no-data>300ms')),
        'the agent stream\'s alert raised on this side',
      );
      const state = await api.getStreamState(id);
      expect(state.info.agent?.name).toBe('bench 1');
      expect(state.alerts?.map((a) => a.condition)).toEqual(['no-data>300ms']);
      // The agent's own stream, with no condition, raised none.
      expect(events.some((e) => e.name === 'streamAlert' && (e.payload as StreamAlert).id === `${agent.streamId}@${attached.id}`)).toBe(false);
    } finally {
      await agent.api.removeStream(quiet.id);
    }
    await waitUntil(() => events.some((e) => e.name === 'streamRemoved' && (e.payload as { id: string }).id === id), 'the removed stream to leave this side');
  });

  it('is saved for the next launch in a file only the user can read', async () => {
    const file = join(dataDir, 'agents.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { agents: { id: string; token: string }[] };
    expect(saved.agents).toEqual([{ id: attached.id, name: 'bench 1', url: `ws://127.0.0.1:${agent.server.port}/api`, token: TOKEN }]);
    const next = await createBackend({ mode: 'web', dataDir, workerPath: builtWorkerPath(), watchNetwork: false, reachAgents: true });
    try {
      const nextApi = inProcessApi(next);
      await waitUntil(async () => (await nextApi.listAgents())[0]?.state === 'connected', 'the saved agent to connect on the next launch');
    } finally {
      await next.close();
    }
  });

  it('is unreachable with the reason when the agent stops, and reconnects when it is back', async () => {
    const port = agent.server.port;
    await stopAgent(agent);
    await waitUntil(async () => (await stateOf(attached.id))?.state === 'unreachable', 'the agent to be unreachable');
    // The first try after the close finds nothing listening.
    await waitUntil(async () => /nothing listens at 127\.0\.0\.1/.test((await stateOf(attached.id))?.reason ?? ''), 'the reason to say nothing listens');
    const id = `${agent.streamId}@${attached.id}`;
    await expect(api.getStreamState(id)).rejects.toMatchObject({ message: expect.stringContaining('cannot be reached now') });
    agent = await startAgent(port);
    await waitUntil(async () => (await stateOf(attached.id))?.state === 'connected', 'the agent to reconnect', 15_000);
    // The restarted agent has a new stream: the old one leaves the list, the new one joins.
    const fresh = `${agent.streamId}@${attached.id}`;
    await waitUntil(async () => (await api.listStreams()).some((s) => s.id === fresh), 'the restarted agent stream in the list');
    if (fresh !== id) expect(events.some((e) => e.name === 'streamRemoved' && (e.payload as { id: string }).id === id)).toBe(true);
    await send(agent.udpPort, 0, 10);
    await waitUntil(() => events.some((e) => e.name === 'streamUpdate' && (e.payload as { id: string }).id === fresh && (e.payload as { delta: { totals: { packets: number } } }).delta.totals.packets >= 10), 'updates from the restarted agent');
  });

  it('detaches: its streams leave the list and the saved file', async () => {
    const id = `${agent.streamId}@${attached.id}`;
    await api.detachAgent(attached.id);
    expect(await api.listAgents()).toEqual([]);
    expect((await api.listStreams()).some((s) => s.id === id)).toBe(false);
    expect(events.some((e) => e.name === 'streamRemoved' && (e.payload as { id: string }).id === id)).toBe(true);
    expect(JSON.parse(readFileSync(join(dataDir, 'agents.json'), 'utf8'))).toEqual({ agents: [] });
  });
});

describe('attaching refuses at the door', () => {
  it.each([
    [{ name: 'x', address: 'not an address', token: 't' }, 'address'],
    [{ name: 'x', address: 'http://10.0.0.1:9464', token: 't' }, 'address'],
    [{ name: 'x', address: '10.0.0.1', token: 't' }, 'address'],
    [{ name: 'x', address: '10.0.0.1:70000', token: 't' }, 'address'],
    [{ name: '', address: '10.0.0.1:9464', token: 't' }, 'name'],
    [{ name: 'x', address: '10.0.0.1:9464', token: '' }, 'token'],
    [{ name: 'x', address: '10.0.0.1:9464', token: 'has space' }, 'token'],
  ])('%j (%s)', async (req, field) => {
    await expect(api.attachAgent(req)).rejects.toMatchObject({ code: 'invalid-argument', field });
  });

  it('a wrong token is unreachable with a reason that says so, and never shown', async () => {
    const other = await startAgent();
    try {
      const a = await api.attachAgent({ name: 'wrong', address: `ws://127.0.0.1:${other.server.port}/api`, token: 'not-the-token' });
      await waitUntil(async () => (await stateOf(a.id))?.state === 'unreachable', 'the refused agent to be unreachable');
      expect((await stateOf(a.id))?.reason).toMatch(/refused the token/);
      expect(JSON.stringify(await api.listAgents())).not.toContain('not-the-token');
      await api.detachAgent(a.id);
    } finally {
      await stopAgent(other);
    }
  });
});
