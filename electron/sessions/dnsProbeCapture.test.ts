// DNS probes join the recording: through the whole back end (createBackend, the contract), a probe
// to a small DNS server on loopback (../shared/docs/lab.md: loopback only, nothing else is queried)
// while a stream is recorded. The real tshark finds the query and the reply on the "DNS probes"
// interface, between the probe's socket and the server, paired, with the answer.
import { execFileSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionRecord } from '../../shared/contract/sessions';
import { createBackend } from '../app/createBackend';
import type { Backend } from '../kernel/backend';
import { probeDns, subscribeProbeDatagrams, type ProbeDatagram } from '../dns/dnsProbe';
import { builtWorkerPath, freeUdpPort } from '../testing/builtWorker';
import { inProcessApi } from '../kernel/inProcessApi';

let backend: Backend | null = null;
let server: Socket | null = null;
const dirs: string[] = [];

afterEach(async () => {
  server?.close();
  server = null;
  await backend?.close();
  backend = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A DNS server on 127.0.0.1 that answers every A query with 10.98.50.1. */
async function loopbackDns(): Promise<number> {
  const s = createSocket('udp4');
  server = s;
  s.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    const reply = dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE, questions: q.questions, answers: [{ type: 'A', name: q.questions![0]!.name, ttl: 60, data: '10.98.50.1' }] });
    s.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return s.address().port;
}

function tshark(file: string, filter: string, fields: string[]): string[][] {
  const out = execFileSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const text = out.replace(/\n+$/, '');
  return text === '' ? [] : text.split('\n').map((l) => l.split('\t'));
}

describe('DNS probes in a recording', { timeout: 30_000 }, () => {
  it('the probe tells its hook the query and the reply with both ends', async () => {
    const port = await loopbackDns();
    const seen: ProbeDatagram[] = [];
    const stop = subscribeProbeDatagrams((d) => seen.push(d));
    const r = await probeDns({ server: `127.0.0.1:${port}`, name: 'gdl90.lab.test' });
    stop();
    expect(r.kind).toBe('answer');
    expect(seen.map((d) => d.direction)).toEqual(['sent', 'received']);
    for (const d of seen) expect(d).toMatchObject({ local: { address: '127.0.0.1', port: r.localPort }, server: { address: '127.0.0.1', port } });
    expect(dnsPacket.decode(Buffer.from(seen[0]!.data)).id).toBe(r.queryId);
    expect(seen[1]!.at).toBeGreaterThanOrEqual(seen[0]!.at);
    // Stopped listening: nothing more.
    await probeDns({ server: `127.0.0.1:${port}`, name: 'gdl90.lab.test' });
    expect(seen).toHaveLength(2);
  });

  it('a probe during a recording is on the capture\'s "DNS probes" interface, reply paired with query', async () => {
    const dnsPort = await loopbackDns();
    const dataDir = mkdtempSync(join(tmpdir(), 'gs-dnscap-'));
    dirs.push(dataDir);
    backend = await createBackend({ mode: 'web', dataDir, workerPath: builtWorkerPath() });
    const b = backend;
    const api = inProcessApi(b);
    await api.startStream({ port: await freeUdpPort(), address: '127.0.0.1' });
    const file = join(dataDir, 'dns.pcapng');
    await api.startRecording({ file });
    const report = await api.probeDns({ server: `127.0.0.1:${dnsPort}`, name: 'gdl90.lab.test', type: 'A', timeoutMs: 2000, edns: true });
    await api.stopRecording();
    const r = report.results[0]!;
    expect(r.kind).toBe('answer');

    const record = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as SessionRecord;
    expect(record.extras).toMatchObject({ timelineInterfaceId: 1, dnsInterfaceId: 2, dnsPackets: 2 });
    const rows = tshark(file, 'dns', ['frame.interface_name', 'ip.src', 'udp.srcport', 'ip.dst', 'udp.dstport', 'dns.id', 'dns.flags.response', 'dns.a', 'dns.response_to']);
    const id = `0x${r.queryId.toString(16).padStart(4, '0')}`;
    expect(rows).toEqual([
      ['DNS probes', '127.0.0.1', String(r.localPort), '127.0.0.1', String(dnsPort), id, '0', '', ''],
      ['DNS probes', '127.0.0.1', String(dnsPort), '127.0.0.1', String(r.localPort), id, '1', '10.98.50.1', '1'],
    ]);
    execFileSync('capinfos', [file], { stdio: ['ignore', 'ignore', 'pipe'] });
  });
});
