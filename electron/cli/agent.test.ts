// `gapscope agent` as a user runs it (the built CLI, on loopback): its refusals before anything
// listens, and a run from a config file to the report it prints when stopped.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSocket } from 'node:dgram';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../../lab/waitUntil';
import { freeUdpPort } from '../testing/builtWorker';
import { registerAgentCommand } from './agent';

const BIN = join(__dirname, '..', '..', 'bin', 'gapscope.js');
const dir = mkdtempSync(join(tmpdir(), 'gs-agent-'));

function program(lines: string[]): Command {
  const p = new Command('gapscope').exitOverride().configureOutput({ writeErr: (t) => void lines.push(t), writeOut: (t) => void lines.push(t) });
  p.option('--data-dir <dir>');
  registerAgentCommand(p, { out: (l) => void lines.push(l), err: (l) => void lines.push(l) });
  for (const c of p.commands) c.exitOverride().configureOutput({ writeErr: (t) => void lines.push(t) });
  return p;
}

// Runs start node: the runner limit is for a busy machine, the waits are for conditions.
describe('gapscope agent', { timeout: 120_000 }, () => {
  it('refuses bad flags, files and tokens with a sentence, before anything listens', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"streams": [{"port": 0}]}');
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, 'streams: [4000]');
    const shortToken = join(dir, 'short.token');
    writeFileSync(shortToken, 'abc\n');
    const cases: [string[], RegExp][] = [
      [['--stream', 'port=4000,colour=red'], /--stream port=4000,colour=red: "colour=red" is not key=value/],
      [['--config', bad], /--config .*bad\.json: streams\[0\]\.port: port must be 1–65535/],
      [['--config', notJson], /--config .*not\.json is not JSON/],
      [['--config', join(dir, 'missing.json')], /cannot be read: no such file/],
      [['--host', '0.0.0.0', '--port', '0'], /--host 0\.0\.0\.0 is reachable from other machines; add --allow-remote/],
      [['--port', '0', '--token-file', shortToken], /must hold one token of at least 16 visible characters/],
      [['--port', '0', '--dns-server', 'nonsense'], /dnsWatch\.servers\[0\]: "nonsense" is not a DNS server address/],
    ];
    for (const [args, message] of cases) {
      const lines: string[] = [];
      await expect(program(lines).parseAsync(['node', 'gapscope', '--data-dir', dir, 'agent', '--no-network-watch', ...args])).rejects.toThrow(message);
      expect(lines.filter((l) => !/^error:/.test(l))).toEqual([]);
    }
  });

  it('exits 2 with one line for a refusal, as every command does', async () => {
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile('node', [BIN, '--data-dir', dir, 'agent', '--stream', 'port=five'], { timeout: 120_000 }, (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }));
    });
    expect(r.stderr).toMatch(/^gapscope: .*--stream port=five: port must be a number, got "five"/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });

  it('runs the streams of its config file, serves them, and prints their reports when stopped', async () => {
    const udpPort = await freeUdpPort();
    const tokenFile = join(dir, 'agent.token');
    writeFileSync(tokenFile, 'a-token-of-enough-length-1234\n');
    const config = join(dir, 'agent.json');
    // The token file is named relative to the config file.
    writeFileSync(config, JSON.stringify({ port: 0, tokenFile: 'agent.token', streams: [{ port: udpPort, address: '127.0.0.1', label: 'from-file', decode: 'seq' }] }));
    const child = spawn('node', [BIN, '--data-dir', dir, 'agent', '--no-network-watch', '--config', config, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    try {
      await waitUntil(() => stdout.includes('\n'), `the agent to print where it listens (stderr: ${stderr})`, 90_000);
      const start = JSON.parse(stdout.split('\n')[0]!) as { url: string; port: number; token?: string; streams: { stream: string }[] };
      expect(start.url).toBe(`http://127.0.0.1:${start.port}/metrics`);
      expect(start.token).toBeUndefined();
      expect(start.streams.map((s) => s.stream)).toEqual(['from-file']);
      const sock = createSocket('udp4');
      const payload = Buffer.alloc(32);
      for (let seq = 0; seq < 20; seq++) {
        payload.writeBigUInt64BE(BigInt(seq), 0);
        await new Promise<void>((r) => sock.send(payload, udpPort, '127.0.0.1', () => r()));
      }
      sock.close();
      await waitUntil(
        async () => {
          const text = await (await fetch(start.url, { headers: { Authorization: 'Bearer a-token-of-enough-length-1234' } })).text();
          return text.includes(`gapscope_stream_packets_received_total{stream="from-file",port="${udpPort}"} 20\n`);
        },
        'the metrics to count 20 datagrams',
        60_000,
      );
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const final = JSON.parse(stdout.trim().split('\n').at(-1)!) as { streams: { stream: string; report: { packets: number; bytes: number } }[] };
    expect(final.streams).toEqual([expect.objectContaining({ stream: 'from-file', report: expect.objectContaining({ packets: 20, bytes: 640 }) })]);
  });
  it('prints each stream\'s final report as text when stopped without --json, as the journal or docker logs keep it', async () => {
    const udpPort = await freeUdpPort();
    const child = spawn('node', [BIN, '--data-dir', dir, 'agent', '--no-network-watch', '--port', '0', '--stream', `port=${udpPort},address=127.0.0.1,label=bench,decode=seq`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    try {
      await waitUntil(() => /Bearer token[^:]*: (\S+)/.test(stdout), 'the agent to print where it listens and its token', 90_000);
      const url = /metrics at (\S+)/.exec(stdout)![1]!;
      const token = /Bearer token[^:]*: (\S+)/.exec(stdout)![1]!;
      const sock = createSocket('udp4');
      const payload = Buffer.alloc(32);
      for (let seq = 0; seq < 5; seq++) {
        payload.writeBigUInt64BE(BigInt(seq), 0);
        await new Promise<void>((r) => sock.send(payload, udpPort, '127.0.0.1', () => r()));
      }
      sock.close();
      await waitUntil(async () => (await (await fetch(url, { headers: { Authorization: `Bearer ${token}` } })).text()).includes(`gapscope_stream_packets_received_total{stream="bench",port="${udpPort}"} 5\n`), 'the metrics to count 5 datagrams', 60_000);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/\nbench:\n {2}Received 5 packets, 160 B in /);
    expect(stdout).toMatch(/ {2}Decoded as seq: 0 lost of 5 expected/);
  });
});
