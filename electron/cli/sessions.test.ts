import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { registerSessionCommands } from './sessions';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function run(dataDir: string, ...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const program = new Command('gapscope').option('--data-dir <dir>').exitOverride();
  registerSessionCommands(program, { out: (l) => lines.push(l), err: (l) => lines.push(`ERR ${l}`) });
  program.commands.forEach((c) => c.exitOverride());
  await program.parseAsync(['node', 'gapscope', '--data-dir', dataDir, ...args]);
  return lines;
}

function fakeSession(dataDir: string, id: string, more: Record<string, unknown> = {}): void {
  const dir = join(dataDir, 'sessions', id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.gapscope-session'), JSON.stringify({ format: 'gapscope-session-folder', id })); // the marker of a folder Gapscope made
  const config = { port: 5000, binMs: 100, recvBufferBytes: 8388608, decode: 'auto' };
  writeFileSync(
    join(dir, 'session.json'),
    JSON.stringify({
      format: 'gapscope-session', version: 1, id, name: 'Bench run', notes: '', created: Date.UTC(2026, 10, 24, 10), ended: Date.UTC(2026, 10, 24, 10, 1), status: 'complete',
      owner: null, error: null, app: 'Gapscope', os: 'linux', capture: 'capture.pcapng', savedAt: 0,
      streams: [{ streamId: 'a', interfaceId: 0, config, info: { id: 'a', config, kind: 'unicast', family: 'ipv4', status: 'stopped', error: null, warning: null, startedAt: 0, bound: null, recvBufferRequested: 1, recvBufferGranted: null }, recordingStartedAt: 0, fromStreamStart: true, packets: 1234, notRecorded: 0, bytesWritten: 0, snapshot: null, error: null }],
      ...more,
    }),
  );
}

describe('gapscope sessions', () => {
  it('lists, shows, renames, annotates and deletes (with --yes) sessions, in text and JSON', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gs-scli-'));
    dirs.push(dataDir);
    expect((await run(dataDir, 'sessions', 'list'))[0]).toMatch(/^No sessions in .*sessions\.$/);
    fakeSession(dataDir, '2026-11-24T10-00-00');
    expect((await run(dataDir, 'sessions', 'list'))[0]).toMatch(/^2026-11-24T10-00-00 .* 1234 pkts .* Bench run$/);
    const json = JSON.parse((await run(dataDir, 'sessions', 'list', '--json')).join('\n')) as { id: string; durationMs: number }[];
    expect(json).toMatchObject([{ id: '2026-11-24T10-00-00', durationMs: 60_000 }]);
    expect(await run(dataDir, 'sessions', 'rename', '2026-11-24T10-00-00', 'Drone bench')).toEqual(['Renamed 2026-11-24T10-00-00 to "Drone bench".']);
    await run(dataDir, 'sessions', 'annotate', '2026-11-24T10-00-00', 'bug 42');
    const shown = await run(dataDir, 'sessions', 'show', '2026-11-24T10-00-00');
    expect(shown[0]).toBe('Drone bench  (complete)');
    expect(shown).toContain('Notes: bug 42');
    await expect(run(dataDir, 'sessions', 'delete', '2026-11-24T10-00-00')).rejects.toThrow(/add --yes to confirm/);
    expect(await run(dataDir, 'sessions', 'delete', '2026-11-24T10-00-00', '--yes', '--json')).toEqual(['{"deleted":"2026-11-24T10-00-00"}']);
    await expect(run(dataDir, 'sessions', 'show', '2026-11-24T10-00-00')).rejects.toThrow(/No session 2026-11-24T10-00-00/);
    // What the capture holds besides the stream, and the events during the recording.
    fakeSession(dataDir, '2026-11-24T11-00-00', {
      extras: { timelineInterfaceId: 1, mdnsInterfaces: [{ interfaceId: 3, iface: 'wlan0' }], mdnsPackets: 17, dnsInterfaceId: 2, dnsPackets: 4, events: 2, eventsSeen: 2, notRecorded: 0, bytesWritten: 0 },
      events: [{ id: 1, at: Date.UTC(2026, 10, 24, 11, 0, 5), source: 'network', kind: 'interface-down', severity: 'warning', summary: 'wlan0 went down (no carrier)', detail: {} }],
    });
    const extras = await run(dataDir, 'sessions', 'show', '2026-11-24T11-00-00');
    expect(extras).toContain('  timeline (interface 1): 2 events in the capture');
    expect(extras).toContain('  DNS probes (interface 2): 4 datagrams');
    expect(extras).toContain('  mDNS on wlan0 (interface 3)');
    expect(extras).toContain('  11:00:05.000  network: wlan0 went down (no carrier)');
    const other = join(dataDir, 'elsewhere');
    expect(await run(dataDir, 'sessions', 'folder', other, '--json')).toEqual([JSON.stringify({ folder: other })]);
    expect(await run(dataDir, 'sessions', 'folder')).toEqual([other]);
  });

  it('exports a session\u2019s capture whole or as a time range, refusing what it cannot do in one sentence', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gs-scli-'));
    dirs.push(dataDir);
    fakeSession(dataDir, 's1');
    // A real capture made with tshark in the lab: its stream runs from 8.97 s to 10.96 s after the first frame.
    const fixture = join(__dirname, '..', 'capture', 'fixtures', 'eth.pcapng');
    copyFileSync(fixture, join(dataDir, 'sessions', 's1', 'capture.pcapng'));
    const whole = join(dataDir, 'whole.pcapng');
    const w = JSON.parse((await run(dataDir, 'sessions', 'export', 's1', '-o', whole, '--json'))[0]!) as { packets: number | null; bytes: number };
    expect(w.packets).toBeNull();
    expect(readFileSync(whole).equals(readFileSync(fixture))).toBe(true);
    const part = join(dataDir, 'part.pcapng');
    const [line] = await run(dataDir, 'sessions', 'export', 's1', '--from', '9.5', '--to', '10.5', '-o', part);
    expect(line).toMatch(new RegExp(`^Saved \\d+ packets \\(.+\\) to ${part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.$`));
    const packets = Number(/Saved (\d+) packets/.exec(line!)?.[1]);
    expect(packets).toBeGreaterThan(100);
    expect(packets).toBeLessThan(332);
    await expect(run(dataDir, 'sessions', 'export', 's1', '--from', '3', '--to', '1', '-o', part)).rejects.toThrow(/end after it starts/);
    await expect(run(dataDir, 'sessions', 'export', 'nope', '-o', part)).rejects.toThrow(/No session nope/);
    await expect(run(dataDir, 'sessions', 'export', 's1', '-o', join(dataDir, 'x.txt'))).rejects.toThrow(/\.pcapng/);
    // part.pcapng exists now: kept byte for byte unless --overwrite.
    const before = readFileSync(part);
    await expect(run(dataDir, 'sessions', 'export', 's1', '-o', part)).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/already exists/) });
    expect(readFileSync(part).equals(before)).toBe(true);
    await run(dataDir, 'sessions', 'export', 's1', '-o', part, '--overwrite');
    expect(readFileSync(part).equals(readFileSync(fixture))).toBe(true);
  });
});
