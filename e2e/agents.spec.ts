/**
 * Remote agents in the app (#15), in web mode in the lab: the page attaches to two `gapscope
 * agent`s, one in the device namespace and one in a namespace of this test's own (joined to the
 * inspector by a veth pair the test creates and deletes), each listening to a stream fed inside its
 * own namespace. Both agents' streams show in the stream list, labelled by agent; killing one shows
 * it unreachable while the other keeps updating; restarting it reconnects and its stream updates again.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { labInfo, readLabState, repoRoot, stopProcess } from './helpers/lab';
import { startSender, type LabProcess, type SendResult } from './helpers/processes';

const lab = labInfo();
const TOKEN = 'e2e-agent-token-5f0c2a9d8e7b6a41';
const AGENT_PORT = 9571;
const UDP_PORT = 5801;
// The second agent's namespace and link to the inspector.
const agentNs = `gse2e-agent-${lab.id}`;
const agentVeth = `gsea${lab.id}`.slice(0, 15);
const insVeth = `gseb${lab.id}`.slice(0, 15);
const AGENT_ADDR = '10.98.0.1';
const INS_ADDR = '10.98.0.2';

function url(): string {
  const state = readLabState(lab);
  if (!state?.url) throw new Error('the lab has no Gapscope server (global setup failed?)');
  return state.url;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

interface Agent {
  pid: number;
  stop(): Promise<void>;
}

/** Starts `gapscope agent` in namespace ns on host:AGENT_PORT with one stream on that namespace's loopback; resolves once it listens. */
function startAgent(ns: string, host: string, name: string): Promise<Agent> {
  const dir = join(lab.dir, `agent-${name}`);
  mkdirSync(dir, { recursive: true });
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, TOKEN, { mode: 0o600 });
  const args = ['netns', 'exec', ns, process.execPath, join(repoRoot, 'bin', 'gapscope.js'), '--data-dir', dir, 'agent', '--json', '--host', host, '--allow-remote', '--port', String(AGENT_PORT), '--token-file', tokenFile, '--no-network-watch', '--stream', `port=${UDP_PORT},address=127.0.0.1,label=${name} telemetry`];
  const child = spawn('ip', args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.split('\n').some((l) => l.startsWith('{"url"'))) return;
      const pid = child.pid as number;
      resolve({ pid, stop: () => (child.exitCode === null ? stopProcess(pid) : Promise.resolve()) });
    });
    child.on('exit', (code) => reject(new Error(`gapscope agent in ${ns} exited with ${code}: ${err.slice(0, 2000)}`)));
  });
}

/** A sender on a namespace's loopback, feeding its agent's stream. */
function feed(ns: string): LabProcess<SendResult> {
  return startSender({ ...lab, devNs: ns }, { port: UDP_PORT, rate: 50, size: 100, seconds: 600, to: '127.0.0.1' });
}

const agentRow = (page: Page, name: string) => page.locator(`[data-testid="agent-item"][data-agent="${name}"]`);
const streamTab = (page: Page, name: string) => page.locator(`[data-testid="stream-item"][data-agent="${name}"]`);

/** The packets the selected stream's tile shows. */
async function packetsOf(page: Page, name: string): Promise<number> {
  await streamTab(page, name).click();
  await expect(page.getByTestId('stream-agent-note')).toContainText(name);
  return Number((await page.getByTestId('stat-packets').first().getAttribute('data-value')) ?? NaN);
}

async function attach(page: Page, name: string, address: string): Promise<void> {
  await page.getByTestId('agent-name').fill(name);
  await page.getByTestId('agent-address').fill(address);
  await page.getByTestId('agent-token').fill(TOKEN);
  await page.getByTestId('agent-attach').click();
  await expect(agentRow(page, name)).toBeVisible();
}

let agentA: Agent | null = null;
let agentB: Agent | null = null;
let senders: LabProcess<SendResult>[] = [];

test.beforeAll(() => {
  ip('netns', 'add', agentNs);
  ip('link', 'add', agentVeth, 'type', 'veth', 'peer', 'name', insVeth);
  ip('link', 'set', agentVeth, 'netns', agentNs);
  ip('link', 'set', insVeth, 'netns', lab.insNs);
  ip('-n', agentNs, 'addr', 'add', `${AGENT_ADDR}/24`, 'dev', agentVeth);
  ip('-n', lab.insNs, 'addr', 'add', `${INS_ADDR}/24`, 'dev', insVeth);
  ip('-n', agentNs, 'link', 'set', 'lo', 'up');
  ip('-n', agentNs, 'link', 'set', agentVeth, 'up');
  ip('-n', lab.insNs, 'link', 'set', insVeth, 'up');
});

test.afterAll(async () => {
  for (const s of senders) await s.stop();
  await agentA?.stop();
  await agentB?.stop();
  // Deleting the namespace removes the veth pair too.
  ip('netns', 'del', agentNs);
});

test('the page attached to two agents shows both; one killed is unreachable while the other updates, and reconnects when restarted', async ({ page }) => {
  test.setTimeout(120_000);
  agentA = await startAgent(lab.devNs, lab.devAddr, 'alpha');
  agentB = await startAgent(agentNs, AGENT_ADDR, 'bravo');
  senders = [feed(lab.devNs), feed(agentNs)];

  await page.goto(url());
  await attach(page, 'alpha', `${lab.devAddr}:${AGENT_PORT}`);
  await attach(page, 'bravo', `${AGENT_ADDR}:${AGENT_PORT}`);
  await expect(agentRow(page, 'alpha')).toHaveAttribute('data-state', 'connected');
  await expect(agentRow(page, 'bravo')).toHaveAttribute('data-state', 'connected');
  await expect(page.getByTestId('agent-token')).toHaveValue('');

  // Both agents' streams, labelled by agent, each receiving.
  await expect(streamTab(page, 'alpha')).toContainText('alpha telemetry');
  await expect(streamTab(page, 'alpha')).toContainText('on alpha');
  await expect(streamTab(page, 'bravo')).toContainText('on bravo');
  await expect.poll(() => packetsOf(page, 'alpha')).toBeGreaterThan(0);
  await expect.poll(() => packetsOf(page, 'bravo')).toBeGreaterThan(0);
  // Read-only: an agent's stream has no Stop or Remove.
  await expect(page.getByTestId('stop-button')).toHaveCount(0);

  // Killing alpha: unreachable with the reason, its stream says so; bravo keeps updating.
  await senders[0]?.stop();
  await agentA.stop();
  await expect(agentRow(page, 'alpha')).toHaveAttribute('data-state', 'unreachable');
  await expect(agentRow(page, 'alpha').getByTestId('agent-state')).toContainText(`unreachable`);
  await expect(streamTab(page, 'alpha').getByTestId('stream-agent')).toHaveAttribute('data-agent-state', 'unreachable');
  const before = await packetsOf(page, 'bravo');
  await expect.poll(() => packetsOf(page, 'bravo')).toBeGreaterThan(before);
  await expect(agentRow(page, 'bravo')).toHaveAttribute('data-state', 'connected');

  // A page reloaded while alpha is down still lists alpha's stream, marked unreachable, and bravo's updates.
  await page.reload();
  await expect(agentRow(page, 'alpha')).toHaveAttribute('data-state', 'unreachable');
  await expect(streamTab(page, 'alpha')).toHaveCount(1);
  await expect(streamTab(page, 'alpha').getByTestId('stream-agent')).toHaveAttribute('data-agent-state', 'unreachable');
  const reloaded = await packetsOf(page, 'bravo');
  await expect.poll(() => packetsOf(page, 'bravo')).toBeGreaterThan(reloaded);

  // Restarting alpha: it reconnects, and its (new) stream is listed once and updates.
  agentA = await startAgent(lab.devNs, lab.devAddr, 'alpha');
  senders[0] = feed(lab.devNs);
  await expect(agentRow(page, 'alpha')).toHaveAttribute('data-state', 'connected', { timeout: 45_000 });
  await expect(streamTab(page, 'alpha')).toHaveCount(1);
  await expect(streamTab(page, 'alpha').getByTestId('stream-agent')).toHaveAttribute('data-agent-state', 'connected');
  const restarted = await packetsOf(page, 'alpha');
  await expect.poll(() => packetsOf(page, 'alpha')).toBeGreaterThan(restarted);

  // Detached, the agents and their streams leave the page.
  for (const name of ['alpha', 'bravo']) await agentRow(page, name).getByTestId('agent-detach').click();
  await expect(page.getByTestId('agent-item')).toHaveCount(0);
  await expect(page.locator('[data-testid="stream-item"][data-agent]')).toHaveCount(0);
});
