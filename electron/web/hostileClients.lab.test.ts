// Web mode against hostile clients, in the lab (subnet 10.98.75.0/24): the real `gapscope serve`
// (the built CLI) runs on 127.0.0.1 inside the inspector namespace, and the clients of
// testing/hostileClients.mjs run beside it, as an attacker on the same machine would.
// - 300 upgrade requests without the token, each reset at once, ten rounds;
// - every kind of malformed frame, messages over the size limit, a flood of calls;
// - 500 clients at once against a cap of 400: the rest are closed at once with 1013 and a sentence;
// - 300 clients that never read while a stream runs at 1000 packets/s for 30 s: the server's RSS
//   stays bounded and a well-behaved client keeps getting its updates at display rate.
// After each, the server still runs and answers. The figures are printed.
// Needs root, iproute2 and `npm run build`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabPair, type LabPair, type LabProcess } from '../../lab/netns';
import { GAPSCOPE_BIN } from '../../lab/gapscope';
import { REPO_DIR, lastJsonLine, startSender } from '../../lab/streams';

const SUBNET = 75;
const HELPER = join(REPO_DIR, 'electron', 'web', 'testing', 'hostileClients.mjs');
const MAX_PAYLOAD = 256 * 1024;

/** Resident memory of a process, in MiB, from /proc (the server runs in another network namespace, not another pid one). */
function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return Math.round(kb / 1024);
}

let lab: LabPair;
let dir: string;

beforeAll(async () => {
  lab = await createLabPair({ subnet: SUBNET });
  dir = mkdtempSync(join(tmpdir(), 'gs-hostile-'));
});

afterAll(async () => {
  await lab?.teardown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Starts the real `gapscope serve` in the inspector namespace; resolves with its port and token once it printed its URL. */
async function startServe(name: string, ...flags: string[]): Promise<{ proc: LabProcess; port: number; token: string }> {
  const proc = lab.inspector.spawn('node', [GAPSCOPE_BIN, '--data-dir', join(dir, name), 'serve', '--json', ...flags], { cwd: REPO_DIR });
  const line = await proc.waitForLine(/^\{"url"/, 30_000);
  const url = new URL((JSON.parse(line) as { url: string }).url);
  return { proc, port: Number(url.port), token: url.searchParams.get('token') ?? '' };
}

describe('web mode against hostile clients', { timeout: 180_000 }, () => {
  let server: LabProcess;
  let port = 0;
  let token = '';

  beforeAll(async () => {
    ({ proc: server, port, token } = await startServe('loopback', '--port', '0', '--max-clients', '400'));
  });

  afterAll(async () => {
    server?.kill('SIGINT');
    if (server) await server.exited;
  });

  /** Runs the helper in the inspector namespace and returns its last JSON line. */
  async function clients<T>(mode: string, ...args: (string | number)[]): Promise<T> {
    const r = await lab.inspector.exec('node', [HELPER, mode, '--port', String(port), '--token', token, ...args.map(String)], { cwd: REPO_DIR, timeoutMs: 150_000, allowFailure: true });
    expect(r.code, `${mode}: ${r.stderr}\nserver: ${server.stderr().slice(-2000)}`).toBe(0);
    return lastJsonLine<T>(`hostileClients ${mode}`, r.stdout, r.stderr);
  }

  /** Bytes the kernel holds in this namespace's TCP sockets: unread receive queues plus send queues (ss's skmem r + w). */
  async function kernelQueuedMiB(): Promise<number> {
    const out = (await lab.inspector.exec('ss', ['-tmnH'])).stdout;
    let bytes = 0;
    for (const m of out.matchAll(/skmem:\(r(\d+),rb\d+,t\d+,tb\d+,f\d+,w(\d+)/g)) bytes += Number(m[1]) + Number(m[2]);
    return Math.round(bytes / 1024 / 1024);
  }

  function expectServerUp(): void {
    expect(server.child.exitCode, `the server exited: ${server.stderr().slice(-2000)}`).toBeNull();
    expect(server.child.signalCode).toBeNull();
  }

  it('survives 300 upgrade requests without the token, each reset at once, ten times over', async () => {
    const r = await clients<{ connected: number; failed: number; aliveAfterEachRound: boolean[] }>('storm', '--count', 300, '--rounds', 10);
    console.log(`reset storm: ${r.connected} connections reset in 10 rounds (${r.failed} failed to connect); server answered after each round: ${r.aliveAfterEachRound.join(', ')}`);
    expect(r.aliveAfterEachRound).toEqual(Array(10).fill(true));
    expectServerUp();
  });

  type Close = { status: string; close: { code: number | null; reason: string } | null; ended: string };

  it('closes each malformed frame with its code and a sentence, and stays up', async () => {
    const r = await clients<{ results: Record<string, Close>; alive: boolean }>('frames');
    for (const [kind, c] of Object.entries(r.results)) console.log(`malformed frame, ${kind}: ${c.status.slice(9)} then close ${c.close?.code ?? '-'} "${c.close?.reason ?? ''}" (${c.ended})`);
    const closes = Object.fromEntries(Object.entries(r.results).map(([k, c]) => [k, c.close]));
    const protocol = { code: 1002, reason: expect.stringMatching(/^Protocol error: not a valid WebSocket frame/) };
    expect(closes).toEqual({
      'invalid UTF-8': { code: 1007, reason: 'Messages must be JSON text in UTF-8.' },
      'unknown opcode': protocol,
      unmasked: protocol,
      'RSV1 set': protocol,
      'control frame over 125 bytes': protocol,
      'fragmented control frame': protocol,
      'continuation without a start': protocol,
      'binary message': { code: 1007, reason: 'Messages must be JSON' },
    });
    expect(r.alive).toBe(true);
    expectServerUp();
  });

  it('closes messages over the size limit with 1009 and says the limit, without reading them', async () => {
    const r = await clients<{ results: Record<string, Close>; under: Close; alive: boolean }>('oversize', '--max', MAX_PAYLOAD);
    for (const [kind, c] of Object.entries(r.results)) console.log(`oversize, ${kind}: close ${c.close?.code ?? '-'} "${c.close?.reason ?? ''}"`);
    for (const c of Object.values(r.results)) expect(c.close).toEqual({ code: 1009, reason: 'Message too large: at most 256 KiB.' });
    // Just under the limit is read: 256 KiB of spaces is not JSON.
    expect(r.under.close).toEqual({ code: 1007, reason: 'Messages must be JSON' });
    expect(r.alive).toBe(true);
    expectServerUp();
  });

  it('closes a client that floods calls with 1008 and a sentence', async () => {
    const r = await clients<{ sent: number; replies: number; closed: { code: number; reason: string }; alive: boolean }>('flood', '--messages', 5000);
    console.log(`flood: ${r.sent} calls sent at once, ${r.replies} answered, then close ${r.closed.code} "${r.closed.reason}"`);
    expect(r.closed).toEqual({ code: 1008, reason: 'Too many messages: at most 200 a second (400 at once).' });
    expect(r.replies).toBeLessThanOrEqual(400 + 50);
    expect(r.alive).toBe(true);
    expectServerUp();
  });

  it('serves clients up to --max-clients and closes the rest at once with 1013 and a sentence', async () => {
    const r = await clients<{ tally: Record<string, number>; reasons: Record<string, number>; goodClientWhileFull: string; web: { refused: number; dropped: number; reasons: Record<string, number>; maxClients: number } }>('clients', '--count', 500);
    console.log(`500 clients against --max-clients 400: ${JSON.stringify(r.tally)}; refusals: ${JSON.stringify(r.reasons)}; one more while full: ${r.goodClientWhileFull}`);
    console.log(`getHealth().web after the hostile tests: ${JSON.stringify(r.web)}`);
    const sentence = 'Gapscope is at its limit of 400 clients: close another tab or client, or restart serve with a higher --max-clients.';
    expect(r.tally).toEqual({ open: 400, 'closed 1013': 100 });
    expect(r.reasons).toEqual({ [sentence]: 100 });
    expect(r.goodClientWhileFull).toBe(`closed 1013: ${sentence}`);
    // Every refusal and drop of this file is counted, by reason.
    expect(r.web.maxClients).toBe(400);
    expect(r.web.reasons).toMatchObject({ 'wrong token': 3000, 'too many clients': 101, 'message too large': 4, 'invalid UTF-8': 1, 'too many messages': 1 });
    expect(r.web.reasons['invalid frame']).toBe(6);
    expectServerUp();
    expect(server.stderr()).toMatch(/web mode refused a client \(wrong token\)/);
  });

  it('300 clients that never read, a stream at 1000 packets/s for 30 s: memory stays bounded and a good client keeps being served', async () => {
    const seconds = 30;
    const streamPort = 47510;
    const before = rssMiB(server.pid);
    const run = lab.inspector.spawn('node', [HELPER, 'slow', '--port', String(port), '--token', token, '--count', '300', '--seconds', String(seconds), '--stream-port', String(streamPort)], { cwd: REPO_DIR });
    await run.waitForLine(/"event":"ready"/, 60_000);
    const sender = startSender(lab.device, { to: `${lab.inspector.ipv4}:${streamPort}`, pps: 1000, size: 200, durationS: seconds + 2 });
    const rss: number[] = [];
    const kernel: number[] = [];
    const sampler = setInterval(() => {
      rss.push(rssMiB(server.pid));
      if (rss.length % 3 === 0) void kernelQueuedMiB().then((k) => kernel.push(k));
    }, 1000);
    const done = await run.exited;
    clearInterval(sampler);
    await sender.done;
    expect(done.code, done.stderr).toBe(0);
    const r = lastJsonLine<{ skippedNotices: number; stillConnected: number; updatesPerSecond: number[]; kibPerSecond: number; packetsSeen: number[]; health: Array<{ eventLoopDelayP99Ms: number; web: { updatesHeldBack: number; dropped: number } }> }>('slow', done.stdout, done.stderr);
    const peak = Math.max(...rss);
    const rates = r.updatesPerSecond;
    const sorted = [...rates].sort((a, b) => a - b);
    console.log(`slow clients: server RSS ${before} MiB before, peak ${peak} MiB over ${seconds} s (samples: ${rss.join(' ')})`);
    console.log(`slow clients: kernel TCP queues in the namespace, every 3 s: ${kernel.join(' ')} MiB`);
    console.log(`good client: streamUpdate events per second ${rates.join(' ')} (median ${sorted[Math.floor(sorted.length / 2)]}, min ${sorted[0]}); ${r.kibPerSecond} KiB/s; packets seen ${r.packetsSeen.at(-1)}; told to reload ${r.skippedNotices} times`);
    console.log(`server health every 5 s: event loop p99 ${r.health.map((h) => h.eventLoopDelayP99Ms).join(' ')} ms; updates held back ${r.health.map((h) => h.web.updatesHeldBack).join(' ')}; ${r.stillConnected} of 300 slow clients still connected`);
    // Bounds: 250 MiB of RSS (the unbounded server reached 1,244 MiB in 30 s) and 400 MiB in the
    // kernel's queues (each slow client holds at most ~512 KiB unread; 1.2 GiB without the pings).
    expect(peak).toBeLessThan(250);
    expect(Math.max(...kernel)).toBeLessThan(400);
    // The display rate (10 updates a second, one per 100 ms delta) is printed, not asserted: run
    // beside another build (load average 25), the server's event loop stalled for 19 s and the
    // good client got 0-2 updates a second for ten seconds, from a starved server, not from the slow
    // clients. What holds however busy the machine is: the good client was never dropped, it was
    // still being served at the end, and it ends with the stream's latest state (packets seen below).
    expect(r.updatesPerSecond.slice(-5).some((n) => n > 0)).toBe(true);
    expect(r.packetsSeen.at(-1)).toBeGreaterThan(seconds * 1000 * 0.9);
    // The slow clients were held back, not served: the server coalesced their updates.
    expect(r.health.at(-1)!.web.updatesHeldBack).toBeGreaterThan(0);
    expectServerUp();
  });
});

describe('web mode with --allow-remote', { timeout: 60_000 }, () => {
  // Bound to the inspector's veth address; the browser side is the device, another machine.
  const port = 47520;
  const named = `gapscope.lab.test:${port}`;
  let server: LabProcess;
  let token = '';
  let own = '';

  beforeAll(async () => {
    own = `${lab.inspector.ipv4}:${port}`;
    ({ proc: server, token } = await startServe('remote', '--host', lab.inspector.ipv4, '--port', String(port), '--allow-remote', '--allow-origin', `http://${named}`));
  });

  afterAll(async () => {
    server?.kill('SIGINT');
    if (server) await server.exited;
  });

  type Answer = { status: number; headers: Record<string, string>; body: string };
  /** One request from the device namespace. */
  async function ask(path: string, o: { host?: string; origin?: string; cookie?: string; upgrade?: boolean } = {}): Promise<Answer> {
    const args = [HELPER, 'request', '--host', lab.inspector.ipv4, '--port', String(port), '--path', path];
    if (o.host) args.push('--host-header', o.host);
    if (o.origin) args.push('--origin', o.origin);
    if (o.cookie) args.push('--cookie', o.cookie);
    if (o.upgrade) args.push('--upgrade', '1');
    const r = await lab.device.exec('node', args, { cwd: REPO_DIR });
    return lastJsonLine<Answer>('request', r.stdout, r.stderr);
  }

  it('needs the token for every file; the first page load leaves it as a cookie for the rest', async () => {
    const bare = await ask('/');
    expect([bare.status, bare.body]).toEqual([403, 'Forbidden: open the address Gapscope printed when it started (it carries the token).\n']);
    expect((await ask('/favicon.svg')).status).toBe(403);
    expect((await ask('/favicon.svg', { cookie: `gapscope-token-${port}=wrong` })).status).toBe(403);
    expect((await ask(`/sessions/x/capture.pcapng`, { cookie: `gapscope-token-${port}=${token}` })).status).toBe(403);

    const page = await ask(`/?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.headers['set-cookie']).toBe(`gapscope-token-${port}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    expect(page.headers['content-security-policy']).toContain(`connect-src 'self' ws://${own};`);
    expect(page.body).toMatch(/^<!doctype html>/);
    expect((await ask('/favicon.svg', { cookie: `gapscope-token-${port}=${token}` })).status).toBe(200);
  });

  it('answers only to its own address and the --allow-origin name, not to any Host', async () => {
    const evil = await ask(`/?token=${token}`, { host: `evil.example:${port}` });
    expect([evil.status, evil.body]).toEqual([421, `Misdirected request: this Gapscope answers as http://${own}, not as http://evil.example:${port}; to use another name, restart serve with --allow-origin http://NAME:${port}.\n`]);
    const byName = await ask(`/?token=${token}`, { host: named });
    expect(byName.status).toBe(200);
    expect(byName.headers['content-security-policy']).toContain(`connect-src 'self' ws://${named};`);
  });

  it('opens the API only to pages of its own origins, with the token', async () => {
    const api = `/api?token=${token}`;
    expect((await ask(api, { upgrade: true, origin: `http://${own}` })).status).toBe(101);
    expect((await ask(api, { upgrade: true, origin: `http://${named}`, host: named })).status).toBe(101);
    expect((await ask('/api', { upgrade: true, origin: `http://${own}`, cookie: `gapscope-token-${port}=${token}` })).status).toBe(101);
    const foreign = await ask(api, { upgrade: true, origin: 'http://evil.example' });
    expect([foreign.status, foreign.body]).toEqual([403, 'Forbidden: pages from http://evil.example may not use this Gapscope (restart serve with --allow-origin for a page of yours).\n']);
    // The Origin matching a rebinding Host is not enough: the Host must name this server too.
    expect((await ask(api, { upgrade: true, origin: `http://evil.example:${port}`, host: `evil.example:${port}` })).status).toBe(421);
    expect((await ask('/api', { upgrade: true, origin: `http://${own}` })).status).toBe(403);
    expect(server.child.exitCode).toBeNull();
  });
});
