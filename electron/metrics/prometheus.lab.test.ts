// A real Prometheus (Debian's package) scrapes a real `gapscope agent` in the lab's inspector
// namespace while the device streams to it through timed cut-outs and the agent probes the lab's
// DNS server: what Prometheus stores at its first scrape after the agent's counts were final
// equals the agent's own JSON report (packets, bytes, gaps, the gap histogram), promtool accepts
// the exposition, and every query of the Grafana dashboard runs against the stored data.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GAPSCOPE_BIN } from '../../lab/gapscope';
import { createLabPair, waitUntil, type LabPair, type LabProcess } from '../../lab/netns';
import { Impairments } from '../../lab/nft';
import { REPO_DIR, startSender } from '../../lab/streams';
import type { AgentReport } from './agentServer';
import { dashboardQueries, readDashboard } from './testing/dashboard';

const SUBNET = 77;
const PORT = 4000;
const AGENT_PORT = 9477;
const PROM_PORT = 9090;
const SCRAPE_S = 1;
const TOKEN = 'lab-token-0123456789abcdef0123';
const CUTS_MS = [300, 450, 600];

let pair: LabPair;
let dir: string;
let agent: LabProcess;
let prometheus: LabProcess;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** GET inside the inspector namespace (its loopback is its own), with curl. */
async function curl(url: string, headers: string[] = []): Promise<{ status: number; body: string }> {
  const r = await pair.inspector.exec('curl', ['-s', '-m', '10', '-w', '\n%{http_code}', ...headers.flatMap((h) => ['-H', h]), url], { allowFailure: true });
  const cut = r.stdout.lastIndexOf('\n');
  return { status: Number(r.stdout.slice(cut + 1)), body: r.stdout.slice(0, cut) };
}

const bearer = [`Authorization: Bearer ${TOKEN}`];

async function agentReport(): Promise<AgentReport> {
  const r = await curl(`http://127.0.0.1:${AGENT_PORT}/report`, bearer);
  if (r.status !== 200) throw new Error(`/report answered ${r.status}: ${r.body.slice(0, 200)}`);
  return JSON.parse(r.body) as AgentReport;
}

interface PromResult {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

async function promQuery(query: string): Promise<{ status: string; error?: string; data?: { resultType: string; result: PromResult[] } }> {
  const r = await curl(`http://127.0.0.1:${PROM_PORT}/api/v1/query?query=${encodeURIComponent(query)}`);
  return JSON.parse(r.body) as { status: string; error?: string; data?: { resultType: string; result: PromResult[] } };
}

/** The raw samples Prometheus stored for one series over the last 5 minutes, oldest first, times in ms. */
async function storedSamples(selector: string): Promise<{ atMs: number; value: number }[]> {
  const r = await promQuery(`${selector}[5m]`);
  if (r.status !== 'success') throw new Error(`Prometheus refused ${selector}: ${r.error}`);
  const series = r.data?.result ?? [];
  if (series.length > 1) throw new Error(`${selector} matched ${series.length} series`);
  return (series[0]?.values ?? []).map(([t, v]) => ({ atMs: t * 1000, value: Number(v) }));
}

beforeAll(async () => {
  pair = await createLabPair({ subnet: SUBNET });
  dir = mkdtempSync(join(tmpdir(), 'gs-prom-lab-'));
  const tokenFile = join(dir, 'agent.token');
  writeFileSync(tokenFile, `${TOKEN}\n`);
  const dnsmasq = pair.device.spawn('dnsmasq', ['--no-daemon', '-C', '/dev/null', '--no-resolv', '--no-hosts', '--bind-interfaces', `--listen-address=${pair.device.ipv4}`, `--host-record=gdl90.lab.test,${pair.device.ipv4}`, `--pid-file=${join(dir, 'dnsmasq.pid')}`]);
  await dnsmasq.waitForLine(/started, version/, 15_000);
  agent = pair.inspector.spawn(
    'node',
    [GAPSCOPE_BIN, '--data-dir', join(dir, 'data'), 'agent', '--no-network-watch', '--port', String(AGENT_PORT), '--token-file', tokenFile, '--stream', `port=${PORT},label=lab,decode=seq,gap-ms=100`, '--dns-server', pair.device.ipv4, '--dns-name', 'gdl90.lab.test', '--dns-interval', '1', '--json'],
    { cwd: REPO_DIR },
  );
  await agent.waitForLine(/"url":/, 60_000);
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      `  scrape_interval: ${SCRAPE_S}s`,
      `  scrape_timeout: ${SCRAPE_S}s`,
      'scrape_configs:',
      '  - job_name: gapscope',
      '    authorization:',
      `      credentials_file: ${tokenFile}`,
      '    static_configs:',
      `      - targets: ["127.0.0.1:${AGENT_PORT}"]`,
      '',
    ].join('\n'),
  );
  prometheus = pair.inspector.spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${PROM_PORT}`, '--log.level=warn']);
  // Scraping works (the token is accepted) once `up` is 1.
  await waitUntil(
    async () => {
      const r = await promQuery('up{job="gapscope"}').catch(() => null);
      return r?.data?.result[0]?.value?.[1] === '1';
    },
    `Prometheus to scrape the agent (stderr: ${prometheus.stderr().slice(-500)})`,
    90_000,
  );
}, 180_000);

afterAll(async () => {
  await pair?.teardown();
});

describe('Prometheus scraping the agent', () => {
  it('stores, at its first scrape after the counts are final, the packets, bytes and gaps of the agent\'s report', async () => {
    const imp = await Impairments.install(pair.inspector, { port: PORT });
    try {
      const rcvbufBefore = (await pair.inspector.udpCounters()).rcvbufErrors;
      const sender = startSender(pair.device, { to: `${pair.inspector.ipv4}:${PORT}`, pps: 200, size: 200, durationS: 5, scheduling: 'realtime' });
      await sender.started;
      for (const ms of CUTS_MS) {
        await sleep(700);
        await imp.cutOut(ms);
      }
      const sent = await sender.done;
      const { dropped } = await imp.counts();
      const rcvbuf = (await pair.inspector.udpCounters()).rcvbufErrors - rcvbufBefore;
      expect(dropped).toBeGreaterThan(0);

      // Final: every datagram that was not dropped on purpose (or by a full buffer) is counted.
      let report: AgentReport['streams'][number]['report'] | undefined;
      await waitUntil(
        async () => {
          report = (await agentReport()).streams.find((s) => s.stream === 'lab')?.report;
          return report?.packets === sent.sent - dropped - rcvbuf;
        },
        `the agent's report to count ${sent.sent} - ${dropped} - ${rcvbuf} datagrams`,
        30_000,
      );
      const final = report!;
      expect(final.gapCount).toBeGreaterThanOrEqual(CUTS_MS.length);
      // The agent's own /metrics says the same before Prometheus is asked.
      let text = '';
      await waitUntil(
        async () => {
          text = (await curl(`http://127.0.0.1:${AGENT_PORT}/metrics`, bearer)).body;
          return text.includes(`gapscope_stream_packets_received_total{stream="lab",port="${PORT}"} ${final.packets}\n`) && text.includes(`gapscope_stream_gaps_total{stream="lab",port="${PORT}"} ${final.gapCount}\n`);
        },
        'the exposition to carry the final counts',
        30_000,
      );
      const finalAt = Date.now();

      // promtool reads the exposition as Prometheus does (it parses text only: run beside the lab).
      expect(execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] })).toBe('');

      // The first sample Prometheus took after that moment must hold the final values.
      const firstAfter = async (name: string, extra = ''): Promise<number> => {
        const selector = `${name}{job="gapscope",stream="lab",port="${PORT}"${extra}}`;
        let found: number | null = null;
        await waitUntil(
          async () => {
            const s = (await storedSamples(selector)).find((x) => x.atMs >= finalAt);
            found = s ? s.value : null;
            return found !== null;
          },
          `a scrape of ${selector} after the counts were final`,
          30_000,
        );
        return found!;
      };
      expect(await firstAfter('gapscope_stream_packets_received_total')).toBe(final.packets);
      expect(await firstAfter('gapscope_stream_received_bytes_total')).toBe(final.bytes);
      expect(await firstAfter('gapscope_stream_gaps_total')).toBe(final.gapCount);
      expect(await firstAfter('gapscope_stream_gap_seconds_count')).toBe(final.gapCount);
      expect(await firstAfter('gapscope_stream_gap_seconds_bucket', ',le="+Inf"')).toBe(final.gapCount);
      // The histogram's buckets hold the report's gaps: every cut-out lasted longer than 0.25 s.
      expect(await firstAfter('gapscope_stream_gap_seconds_bucket', ',le="0.25"')).toBe(final.gaps.filter((g) => g.durationMs / 1000 <= 0.25).length);
      expect(final.gaps.filter((g) => g.durationMs / 1000 > 0.25).length).toBeGreaterThanOrEqual(CUTS_MS.length);
      expect(await firstAfter('gapscope_stream_gap_seconds_sum')).toBeCloseTo(final.gaps.reduce((sum, g) => sum + g.durationMs, 0) / 1000, 5);
      // Loss by sequence number: the datagrams the cut-outs dropped.
      expect(await firstAfter('gapscope_stream_lost_packets_total')).toBe(final.loss?.lost);
    } finally {
      await imp.remove();
    }
  });

  it('answers every query of the Grafana dashboard, with data for the streams and the DNS probes', async () => {
    // Grafana's variables as a dashboard showing every agent and stream fills them in.
    const fill = (expr: string): string => expr.replace(/\$__rate_interval/g, '1m').replace(/\$__interval/g, '5s').replace(/\$__range/g, '5m').replace(/\$(instance|stream)\b/g, '.*');
    // The DNS watch probes every second: wait for two scrapes of its histogram for rate().
    await waitUntil(async () => (await storedSamples(`gapscope_dns_probe_rtt_seconds_count{job="gapscope",resolver="${pair.device.ipv4}"}`)).length >= 2, 'two scrapes of the DNS probes', 30_000);
    const answers = await storedSamples(`gapscope_dns_probes_total{job="gapscope",resolver="${pair.device.ipv4}",outcome="answer"}`);
    expect(answers.at(-1)!.value).toBeGreaterThan(0);
    for (const { where, expr } of dashboardQueries(readDashboard())) {
      const r = await promQuery(fill(expr));
      expect(r.status, `${where}: ${r.error ?? ''}`).toBe('success');
      // No browsing and no network watch in this run: those panels have nothing to show.
      if (!/bonjour|network_changes/.test(expr)) expect(r.data?.result.length, `${where} returned no series`).toBeGreaterThan(0);
    }
  });
});
