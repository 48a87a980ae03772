// Network context in the lab: `gapscope net watch` in the inspector namespace sees each change
// (an interface added, an address moved, a veth down and up, the default route changed, a tunnel
// capturing the default route) within 1 s, while `gapscope listen` receives a stream in the same
// namespace; and `gapscope net connect` / `net udp-probe` give the right outcome for a closed
// port, a network without route, a host that does not answer, a port silently dropped by
// nftables, and TLS with a self-signed certificate and with a chain from a CA made here.
//
// Subnets 10.98.73.0/24 (watch) and 10.98.74.0/24 (connection tests). Needs root, iproute2,
// nftables, openssl and `npm run build` (bin/gapscope.js runs the built CLI).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GAPSCOPE_BIN, startGapscope, type RunningGapscope } from '../../lab/gapscope';
import { createLabPair, type LabPair, type LabProcess } from '../../lab/netns';
import { REPO_DIR, startSender } from '../../lab/streams';
import type { ConnectTestResult, UdpProbeResult } from '../../shared/network/types';

/** The acceptance bound: a change is on the timeline within this long. */
const WITHIN_MS = 1000;

interface WatchLine {
  type: 'started' | 'change' | 'stopped';
  at: number;
  kind?: string;
  severity?: string;
  summary?: string;
  detail?: Record<string, unknown>;
}

/** The interval of a poll for a condition. */
function pollInterval(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('net watch: every change within 1 s, during a reception stream', () => {
  let lab: LabPair;
  let watch: LabProcess;
  let listen: RunningGapscope;
  const latencies: Record<string, number> = {};

  beforeAll(async () => {
    lab = await createLabPair({ subnet: 73 });
    watch = lab.inspector.spawn('node', [GAPSCOPE_BIN, 'net', 'watch', '--json', '--duration', '90'], { cwd: REPO_DIR });
    await watch.waitForLine(/"type":"started"/, 30_000);
    listen = await startGapscope(lab.inspector, { args: ['--port', '5073'], durationS: 40 });
    startSender(lab.device, { to: `${lab.inspector.ipv4}:5073`, pps: 500, size: 256, durationS: 38 });
  }, 90_000);

  afterAll(async () => {
    console.log('event latency after the change (ms):', JSON.stringify(latencies));
    await lab?.teardown();
  });

  const lines = (): WatchLine[] =>
    watch
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as WatchLine);

  /** Runs `ip` commands in the inspector (as one batch, so the watcher cannot see half of them) and waits for the matching event. */
  async function change(name: string, batch: string[], match: (l: WatchLine) => boolean): Promise<WatchLine> {
    const file = join(tmpdir(), `gsnet73-${process.pid}-${name}.batch`);
    writeFileSync(file, `${batch.join('\n')}\n`);
    const t0 = Date.now();
    try {
      await lab.inspector.exec('ip', ['-batch', file]);
    } finally {
      rmSync(file, { force: true });
    }
    const deadline = Date.now() + 5000;
    for (;;) {
      const hit = lines().find((l) => l.type === 'change' && l.at >= t0 && match(l));
      if (hit) {
        latencies[name] = hit.at - t0;
        expect(hit.at - t0, `${name}: "${hit.summary}" seen ${hit.at - t0} ms after the change`).toBeLessThanOrEqual(WITHIN_MS);
        return hit;
      }
      if (Date.now() > deadline) throw new Error(`${name}: no event within 5 s; got ${JSON.stringify(lines().slice(-8))}`);
      await pollInterval(25);
    }
  }

  it('default route added, interface added, address moved, default route changed', async () => {
    const ins = lab.inspector.iface;
    const added = await change('default-route-added', ['route add default via 10.98.73.1'], (l) => l.kind === 'default-route-changed' && (l.detail?.to as { iface?: string }).iface === ins);
    expect(added.severity).toBe('warning');
    expect(added.summary).toBe(`IPv4 default route added via ${ins} (10.98.73.1)`);

    await change('interface-added', ['link add n73a type veth peer name n73b'], (l) => l.kind === 'interface-added' && l.detail?.iface === 'n73a');
    await change('interface-up', ['link set n73b up', 'link set n73a up'], (l) => l.kind === 'interface-up' && l.detail?.iface === 'n73a');
    await change('address-added', ['addr add 10.98.74.2/24 dev n73a', `addr add 10.98.73.50/24 dev ${ins}`], (l) => l.kind === 'address-added' && l.detail?.address === '10.98.73.50');
    const moved = await change('address-moved', [`addr del 10.98.73.50/24 dev ${ins}`, 'addr add 10.98.73.50/24 dev n73a'], (l) => l.kind === 'address-moved');
    expect(moved.summary).toBe(`address 10.98.73.50/24 moved from ${ins} to n73a`);

    const routed = await change('default-route-changed', ['route replace default via 10.98.74.1 dev n73a'], (l) => l.kind === 'default-route-changed' && (l.detail?.to as { iface?: string }).iface === 'n73a');
    expect(routed.summary).toBe(`IPv4 default route now via n73a (10.98.74.1), was via ${ins} (10.98.73.1)`);
  }, 120_000);

  it('the veth taken down and up again', async () => {
    const ins = lab.inspector.iface;
    const down = await change('veth-down', [`link set ${ins} down`], (l) => l.kind === 'interface-down' && l.detail?.iface === ins);
    expect([down.severity, down.summary]).toEqual(['warning', `${ins} went down (switched off)`]);
    // The watcher has seen it down (the event above): the link comes back at once.
    await change('veth-up', [`link set ${ins} up`], (l) => l.kind === 'interface-up' && l.detail?.iface === ins);
  }, 60_000);

  it('a tunnel appears and captures the default route with two half routes', async () => {
    await change('tunnel-added', ['tuntap add mode tun name tun73'], (l) => l.kind === 'tunnel-count-changed' && l.detail?.to === 1);
    const captured = await change('vpn-captured', ['link set tun73 up', 'route add 0.0.0.0/1 dev tun73', 'route add 128.0.0.0/1 dev tun73'], (l) => l.kind === 'vpn-captured-default');
    expect(captured.detail).toMatchObject({ family: 'ipv4', tunnel: 'tun73', style: 'split' });
  }, 60_000);

  it('the stream was received meanwhile, and the watch ends with its history', async () => {
    const report = await listen.report();
    expect(report.packets).toBeGreaterThan(1000);
    watch.kill('SIGTERM');
    const r = await watch.exited;
    const last = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { type: string; history: Array<{ tunnelCount: number }> };
    expect(last.type).toBe('stopped');
    expect(last.history.some((p) => p.tunnelCount === 1)).toBe(true);
  }, 60_000);
});

describe('net connect / udp-probe: errno and TLS in the lab', () => {
  let lab: LabPair;
  let dir: string;
  const device = '10.98.74.1';

  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });

  beforeAll(async () => {
    lab = await createLabPair({ subnet: 74 });
    dir = mkdtempSync(join(tmpdir(), 'gsnet74-'));
    // A self-signed certificate, and a CA with a server certificate it signed.
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'self.key', '-out', 'self.pem', '-days', '2', '-subj', '/CN=selfsigned.lab.test', '-addext', `subjectAltName=IP:${device}`);
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Gapscope Lab CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=device.lab.test');
    writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=DNS:device.lab.test,IP:${device}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    openssl('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '2', '-extfile', 'ext.cnf');
    const server = `
      const tls = require('node:tls'), fs = require('node:fs'), d = ${JSON.stringify(dir)};
      let listening = 0;
      const serve = (port, key, cert) => tls.createServer({ key: fs.readFileSync(d + '/' + key), cert: fs.readFileSync(d + '/' + cert) }, (s) => s.end()).listen(port, ${JSON.stringify(device)}, () => ++listening === 2 && console.log('ready'));
      serve(8443, 'self.key', 'self.pem'); serve(8444, 'srv.key', 'srv.pem');`;
    await lab.device.spawn('node', ['-e', server]).waitForLine(/ready/, 20_000);
    // Port 7000 (TCP) and 7001 (UDP) silently dropped on the device's input.
    await lab.device.exec('nft', ['add', 'table', 'inet', 'gsnet74']);
    await lab.device.exec('nft', ['add chain inet gsnet74 in { type filter hook input priority 0; }']);
    await lab.device.exec('nft', ['add rule inet gsnet74 in tcp dport 7000 drop']);
    await lab.device.exec('nft', ['add rule inet gsnet74 in udp dport 7001 drop']);
  }, 90_000);

  afterAll(async () => {
    await lab?.teardown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function cli<T>(args: string[], env?: Record<string, string>): Promise<{ json: T; code: number | null }> {
    const r = await lab.inspector.exec('node', [GAPSCOPE_BIN, 'net', ...args, '--json'], { cwd: REPO_DIR, allowFailure: true, timeoutMs: 60_000, env });
    const line = r.stdout.trim().split('\n').at(-1) ?? '';
    if (!line.startsWith('{')) throw new Error(`net ${args.join(' ')} printed no JSON (exit ${r.code}): ${r.stderr.slice(-500)}`);
    return { json: JSON.parse(line) as T, code: r.code };
  }

  it('closed port: ECONNREFUSED, explained, exit 3 (the check ran and came out negative)', async () => {
    const { json, code } = await cli<ConnectTestResult>(['connect', `${device}:9`]);
    expect([json.outcome, json.errno, code]).toEqual(['refused', 'ECONNREFUSED', 3]);
    expect(json.explanation).toMatch(/^Connection refused: the host is reachable, but nothing listens/);
    expect(json.route).toMatchObject({ iface: lab.inspector.iface, source: lab.inspector.ipv4, error: null });
    expect(json.localSubnet).toBe(true);
  }, 60_000);

  it('no route to the network: ENETUNREACH, and route-to says why', async () => {
    const { json } = await cli<ConnectTestResult>(['connect', '198.51.100.7:80']);
    expect([json.outcome, json.errno]).toEqual(['network-unreachable', 'ENETUNREACH']);
    expect(json.route?.error).toBe('Network is unreachable');
    expect(json.explanation).toMatch(/no route to that address/);
    const route = await cli<{ error: string | null }>(['route-to', '198.51.100.7']);
    expect([route.json.error, route.code]).toEqual(['Network is unreachable', 1]);
  }, 60_000);

  it('no device at a local address: EHOSTUNREACH after ARP gives up', async () => {
    const { json } = await cli<ConnectTestResult>(['connect', '10.98.74.99:80', '--timeout', '8000']);
    expect([json.outcome, json.errno]).toEqual(['host-unreachable', 'EHOSTUNREACH']);
    expect(json.explanation).toMatch(/on your local network but no device answered/);
    expect(json.localNetworkPrivacySuspected).toBe(false);
  }, 60_000);

  it('a port silently dropped by nftables: timeout', async () => {
    const { json } = await cli<ConnectTestResult>(['connect', `${device}:7000`, '--timeout', '1000']);
    expect([json.outcome, json.errno]).toEqual(['timeout', 'TIMEOUT']);
    expect(json.timeMs).toBeGreaterThanOrEqual(990);
    expect(json.explanation).toMatch(/No answer within 1000 ms: the packets were silently dropped/);
  }, 60_000);

  it('UDP: closed port answers ICMP, a dropped port gives none', async () => {
    expect((await cli<UdpProbeResult>(['udp-probe', `${device}:9`])).json).toMatchObject({ outcome: 'closed', errno: 'ECONNREFUSED' });
    expect((await cli<UdpProbeResult>(['udp-probe', `${device}:7001`, '--timeout', '1000'])).json).toMatchObject({ outcome: 'no-icmp', probesSent: 3 });
  }, 60_000);

  it('TLS, self-signed: handshake fine, rejected, reason shown', async () => {
    const { json } = await cli<ConnectTestResult>(['connect', `${device}:8443`, '--tls']);
    expect(json.outcome).toBe('connected');
    expect(json.tls).toMatchObject({ handshake: 'ok', protocol: 'TLSv1.3', trusted: false, trustSource: 'default-store', trustError: 'DEPTH_ZERO_SELF_SIGNED_CERT', hostnameMatches: true });
    expect(json.tls?.chain[0]).toMatchObject({ subject: 'CN=selfsigned.lab.test', issuer: 'CN=selfsigned.lab.test', selfSigned: true });
    expect(json.tls?.chain[0]?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(json.tls?.explanation).toMatch(/self-signed certificate/);
  }, 60_000);

  it('TLS, chain from our CA: rejected by the default store, accepted with the CA supplied, and with the CA added to the default store', async () => {
    const plain = await cli<ConnectTestResult>(['connect', `${device}:8444`, '--tls']);
    expect(plain.json.tls).toMatchObject({ trusted: false, trustSource: 'default-store', trustError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(plain.json.tls?.chain[0]).toMatchObject({ subject: 'CN=device.lab.test', issuer: 'CN=Gapscope Lab CA', selfSigned: false });

    const supplied = await cli<ConnectTestResult>(['connect', `${device}:8444`, '--ca', join(dir, 'ca.pem')]);
    expect(supplied.json.tls).toMatchObject({ trusted: true, trustSource: 'supplied-ca', trustError: null, hostnameMatches: true });
    expect(supplied.json.tls?.explanation).toMatch(/^The certificate chain is trusted by the CA you supplied\./);

    // The default store is Node's bundled list plus NODE_EXTRA_CA_CERTS: adding our CA there is
    // how the "system trust store" path is exercised without touching this machine's store.
    const extra = await cli<ConnectTestResult>(['connect', `${device}:8444`, '--tls'], { NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') });
    expect(extra.json.tls).toMatchObject({ trusted: true, trustSource: 'default-store', hostnameMatches: true });

    const wrongName = await cli<ConnectTestResult>(['connect', `${device}:8444`, '--ca', join(dir, 'ca.pem'), '--servername', 'other.lab.test']);
    expect(wrongName.json.tls).toMatchObject({ trusted: true, hostnameMatches: false });
    expect(wrongName.json.tls?.explanation).toMatch(/does not name this host/);
  }, 120_000);
});
