#!/usr/bin/env node
// `npm run check:container`: builds deploy/Containerfile for real and runs the agent from it.
//
// Docker Hub cannot be reached from here (only the npm registry and Debian's archive), so the
// image's BASE is made the way the official node images are: Debian bookworm (debootstrap, minbase)
// with this machine's Node.js, its npm and its npm settings, and a user "node" (uid 1000). The
// build itself is the Containerfile as a user runs it (apt for the compiler, npm ci from the
// registry, the batch-receive addon built from source, electron-vite build, npm prune).
//
// Then the agent runs from the image, with the host's network as the README says, on loopback only:
// a stream on 127.0.0.1, /metrics on 127.0.0.1 with a bearer token. The check sends datagrams with
// sequence numbers to it (loopback only; no namespace is needed and nothing leaves the machine),
// with a pause and a hole, and reads them back from /metrics; then stops the container as docker
// does (SIGTERM) and reads the streams' final report from its log.
//
// It runs its own dockerd (docker.io from Debian) with no bridge and no iptables rules, on its own
// socket and data folder, so it neither needs nor touches another Docker on the machine; that
// dockerd ends with the check. Needs root. Ends with one line "container: ok" or
// "container: FAILED: <why>" and exit code 0 or 1.
/* global fetch */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const STATE = '/var/lib/gapscope-check-docker';
const SOCK = '/run/gapscope-check-docker.sock';
const NODE_MAJOR = process.versions.node.split('.')[0];
const BASE = `gapscope-check-base:bookworm-node${process.versions.node}`;
const IMAGE = 'gapscope-agent:check';
const NAME = `gapscope-agent-check-${process.pid}`;
const TOKEN = `check-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}-token`;

const log = (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const docker = (args, opts = {}) => spawnSync('docker', ['-H', `unix://${SOCK}`, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });

function need(cond, why) {
  if (!cond) throw new Error(why);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function freeUdpPort() {
  const s = createSocket('udp4');
  await new Promise((r) => s.bind(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** Our own dockerd: no bridge, no iptables, its own socket and data root. */
async function startDockerd() {
  mkdirSync(STATE, { recursive: true });
  const child = spawn('dockerd', ['--bridge=none', '--iptables=false', '--ip6tables=false', '--data-root', STATE, '--exec-root', '/run/gapscope-check-docker', '--pidfile', '/run/gapscope-check-docker.pid', '-H', `unix://${SOCK}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`dockerd ended at start:\n${err}`);
    if (docker(['version', '--format', '{{.Server.Version}}']).status === 0) return child;
    await sleep(500);
  }
  child.kill('SIGTERM');
  throw new Error(`dockerd did not answer on ${SOCK} within 60 s:\n${err}`);
}

/** Debian bookworm with this machine's Node.js and npm, as the official node:20-bookworm-slim is laid out for the Containerfile. */
function buildBase() {
  if (docker(['image', 'inspect', BASE]).status === 0) {
    log(`base ${BASE} already built`);
    return;
  }
  const root = mkdtempSync(join(tmpdir(), 'gapscope-rootfs-'));
  try {
    log('debootstrap bookworm (minbase)');
    execFileSync('debootstrap', ['--variant=minbase', 'bookworm', root, 'http://deb.debian.org/debian'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const npmRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
    const globalconfig = execFileSync('npm', ['config', 'get', 'globalconfig'], { encoding: 'utf8' }).trim();
    const nodedir = execFileSync('npm', ['config', 'get', 'nodedir'], { encoding: 'utf8' }).trim();
    cpSync(process.execPath, join(root, 'usr/local/bin/node'));
    cpSync(join(npmRoot, 'npm'), join(root, 'usr/local/lib/node_modules/npm'), { recursive: true });
    symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(root, 'usr/local/bin/npm'));
    symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(root, 'usr/local/bin/npx'));
    // node-gyp builds the addon against these headers instead of downloading them (nodejs.org is not reachable here).
    const headers = join(nodedir && nodedir !== 'undefined' ? nodedir : dirname(dirname(process.execPath)), 'include', 'node');
    need(existsSync(headers), `Node's headers are not at ${headers}: the addon could not be built in the image`);
    cpSync(headers, join(root, 'usr/local/include/node'), { recursive: true });
    // The registry as this machine reaches it (its CA bundle included), not nodedir: the image's node is in /usr/local.
    const settings = existsSync(globalconfig) ? readFileSync(globalconfig, 'utf8').split('\n').filter((l) => !/^\s*nodedir\s*=/.test(l)) : [];
    mkdirSync(join(root, 'usr/local/etc'), { recursive: true });
    writeFileSync(join(root, 'usr/local/etc/npmrc'), [...settings, 'nodedir=/usr/local', ''].join('\n'));
    if (existsSync('/etc/ssl/certs/ca-certificates.crt')) {
      mkdirSync(join(root, 'etc/ssl/certs'), { recursive: true });
      cpSync('/etc/ssl/certs/ca-certificates.crt', join(root, 'etc/ssl/certs/ca-certificates.crt'));
    }
    execFileSync('chroot', [root, 'useradd', '--uid', '1000', '--create-home', '--shell', '/bin/bash', 'node']);
    execFileSync('chroot', [root, 'apt-get', 'clean']);
    log(`importing ${BASE}`);
    const tar = spawnSync('sh', ['-c', `tar -C '${root}' -c . | docker -H unix://${SOCK} import --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["node"]' - ${BASE}`], { encoding: 'utf8' });
    need(tar.status === 0, `docker import failed: ${tar.stderr}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function sendSeq(port, seqs) {
  const sock = createSocket('udp4');
  const payload = Buffer.alloc(512);
  for (const seq of seqs) {
    payload.writeBigUInt64BE(BigInt(seq), 0);
    await new Promise((r) => sock.send(payload, port, '127.0.0.1', () => r()));
    if (seq % 50 === 0) await sleep(1);
  }
  sock.close();
}

/** One sample of a metric from the exposition: the first line with the name and the labels given. */
function sample(text, name, labels = '') {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function main() {
  need(process.getuid?.() === 0, 'needs root (dockerd, debootstrap, chroot): run it with sudo');
  for (const tool of ['dockerd', 'docker', 'debootstrap']) need(spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0, `${tool} is missing: apt-get install docker.io debootstrap`);
  need(Number(NODE_MAJOR) >= 20, `this machine's Node.js ${process.versions.node} is older than the agent needs (20.19)`);

  const dockerd = await startDockerd();
  const conf = mkdtempSync(join(tmpdir(), 'gapscope-agent-conf-'));
  try {
    buildBase();
    log(`docker build -f deploy/Containerfile --build-arg BASE=${BASE}`);
    const t0 = Date.now();
    const build = docker(['build', '--network', 'host', '--build-arg', `BASE=${BASE}`, '-f', join(REPO, 'deploy/Containerfile'), '-t', IMAGE, REPO], { stdio: ['ignore', 'pipe', 'pipe'] });
    need(build.status === 0, `the image did not build:\n${(build.stdout + build.stderr).split('\n').slice(-30).join('\n')}`);
    log(`built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

    const httpPort = await freePort();
    const udpPort = await freeUdpPort();
    writeFileSync(join(conf, 'agent.token'), `${TOKEN}\n`);
    writeFileSync(
      join(conf, 'agent.json'),
      JSON.stringify({ host: '127.0.0.1', port: httpPort, tokenFile: '/etc/gapscope/agent.token', streams: [{ port: udpPort, address: '127.0.0.1', label: 'telemetry', decode: 'seq', gapMs: 200 }], watchNetwork: false }, null, 2),
    );
    // The container's user (node, uid 1000) reads them through the read-only mount.
    chmodSync(conf, 0o755);
    chmodSync(join(conf, 'agent.token'), 0o644);
    const run = docker(['run', '-d', '--name', NAME, '--network', 'host', '-v', `${conf}:/etc/gapscope:ro`, IMAGE]);
    need(run.status === 0, `docker run failed: ${run.stderr}`);

    const metrics = async (token = TOKEN) => {
      const res = await fetch(`http://127.0.0.1:${httpPort}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
      return { status: res.status, text: await res.text() };
    };
    let up = null;
    for (const until = Date.now() + 60_000; Date.now() < until && !up; await sleep(250)) {
      const state = docker(['inspect', '-f', '{{.State.Running}}', NAME]).stdout.trim();
      need(state === 'true', `the agent's container ended at start:\n${docker(['logs', NAME]).stderr}`);
      up = await metrics().catch(() => null);
    }
    need(up?.status === 200, `the agent in the container did not serve /metrics within 60 s:\n${docker(['logs', NAME]).stderr}`);
    need((await metrics('wrong-token-0123456789')).status === 401, '/metrics answered a wrong token');
    const addon = docker(['exec', NAME, 'node', '-e', "require('/opt/gapscope/native/recv-batch/build/Release/recv_batch.node')"]);
    need(addon.status === 0, `the batch-receive addon does not load in the image: ${addon.stderr}`);

    // 1,000 datagrams with sequence numbers, a 600 ms pause after 500 of them, and 20 numbers never sent.
    const first = Array.from({ length: 500 }, (_, i) => i);
    const second = Array.from({ length: 500 }, (_, i) => 520 + i);
    await sendSeq(udpPort, first);
    await sleep(600);
    await sendSeq(udpPort, second);
    let text = '';
    for (const until = Date.now() + 20_000; Date.now() < until; await sleep(250)) {
      text = (await metrics()).text;
      if (sample(text, 'gapscope_stream_packets_received_total', 'stream="telemetry"') >= 1000) break;
    }
    const received = sample(text, 'gapscope_stream_packets_received_total', 'stream="telemetry"');
    const lost = sample(text, 'gapscope_stream_lost_packets_total', 'stream="telemetry"');
    const gaps = sample(text, 'gapscope_stream_gaps_total', 'stream="telemetry"');
    log(`from the container's /metrics: received ${received}, lost ${lost}, gaps ${gaps}`);
    need(received === 1000, `the agent counted ${received} datagrams of the 1,000 sent`);
    need(lost === 20, `the agent counted ${lost} lost where 20 sequence numbers were never sent`);
    need(gaps >= 1, `the agent counted ${gaps} gaps where the sender paused 600 ms`);

    // docker stop sends SIGTERM: the agent ends its streams and prints their final report.
    const stop = docker(['stop', '-t', '20', NAME]);
    need(stop.status === 0, `docker stop failed: ${stop.stderr}`);
    const exit = docker(['inspect', '-f', '{{.State.ExitCode}}', NAME]).stdout.trim();
    const logs = docker(['logs', NAME]);
    need(exit === '0', `the agent exited with ${exit} on SIGTERM:\n${logs.stdout}\n${logs.stderr}`);
    need(/telemetry:\n {2}Received 1000 packets/.test(logs.stdout) && /20 lost of 1020 expected/.test(logs.stdout), `the agent's final report is not in its log:\n${logs.stdout}\n${logs.stderr}`);
    process.stdout.write('container: ok\n');
  } finally {
    docker(['rm', '-f', NAME]);
    rmSync(conf, { recursive: true, force: true });
    dockerd.kill('SIGTERM');
    await new Promise((r) => (dockerd.exitCode !== null ? r() : dockerd.once('exit', r)));
  }
}

main().catch((e) => {
  process.stdout.write(`container: FAILED: ${e.message}\n`);
  process.exit(1);
});
