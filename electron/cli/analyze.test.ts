// `gapscope analyze` on the lab fixtures, run through commander as the CLI runs it: flows listed,
// an ambiguous choice explained (exit 2), a damaged file one line (exit 1), and compare.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { analyzeCapture } from '../capture/analyzeCapture';
import { registerAnalyzeCommands } from './analyze';
import { backendApi } from './backendApi';

const FIX = join(__dirname, '..', 'capture', 'fixtures');

const dataDir = mkdtempSync(join(tmpdir(), 'gscap-cli-data-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs `gapscope analyze ARGS` as the CLI does: its own back end, reached through the contract. */
async function run(args: string[], progress?: (text: string | null) => void): Promise<{ out: string[]; err: string[]; exitCode: number | undefined }> {
  const out: string[] = [];
  const err: string[] = [];
  const p = new Command('gapscope').option('--data-dir <dir>').exitOverride();
  registerAnalyzeCommands(p, backendApi(p), { out: (l) => void out.push(l), err: (l) => void err.push(l), progress });
  for (const c of p.commands) c.exitOverride().configureOutput({ writeErr: (s) => void err.push(s) });
  process.exitCode = undefined;
  await p.parseAsync(['node', 'gapscope', '--data-dir', dataDir, 'analyze', ...args]);
  const exitCode = process.exitCode as number | undefined;
  process.exitCode = undefined;
  return { out, err, exitCode };
}

describe('gapscope analyze', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gscap-cli-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('--flows lists the UDP flows, most datagrams first', async () => {
    const { out } = await run([join(FIX, 'vlan.pcapng'), '--flows']);
    expect(out[0]).toMatch(/^3 UDP flows in .*vlan\.pcapng \(\d+ frames, 110 UDP datagrams\):$/);
    expect(out.slice(1, 4).map((l) => l.trim().split(/\s+/)[0])).toEqual(['10.98.72.1:40005', '10.98.72.1:40006', '[fd00:98:72::1]:40007']);
    const json = JSON.parse((await run([join(FIX, 'vlan.pcapng'), '--flows', '--json'])).out[0]!) as { flows: { id: string; packets: number }[] };
    expect(json.flows.map((f) => f.packets)).toEqual([50, 40, 20]);
  });

  it('with several flows and no choice, lists them and exits 2 with one line', async () => {
    const r = await run([join(FIX, 'eth.pcapng'), '--json']);
    expect(r.exitCode).toBe(2);
    expect(r.out).toEqual([]);
    expect(r.err[0]).toBe('UDP flows in the capture:');
    expect(r.err).toHaveLength(4);
    expect(r.err[3]).toMatch(/^gapscope: 2 UDP flows in eth\.pcapng; choose one with --flow SRC>DST \(or --port\)\.$/);
  });

  it('--port gives the same JSON report as the library, and --flow chooses the same flow', async () => {
    const r = await run([join(FIX, 'eth.pcapng'), '--port', '5000', '--gap-ms', '100', '--json']);
    expect(r.exitCode).toBeUndefined();
    const report = JSON.parse(r.out[0]!) as { packets: number; gapCount: number; stream: { flow: string } };
    const lib = await analyzeCapture(join(FIX, 'eth.pcapng'), { port: 5000, gapMs: 100 });
    expect(report).toEqual(JSON.parse(JSON.stringify(lib)));
    const byFlow = await run([join(FIX, 'eth.pcapng'), '--flow', `*>${lib.stream.address as string}:5000`, '--gap-ms', '100', '--json']);
    expect(JSON.parse(byFlow.out[0]!)).toEqual(report);
    const v6 = await run([join(FIX, 'eth.pcapng'), '--flow', '[fd00:98:72:0::1]>[fd00:98:72::2]:5001', '--json']);
    expect((JSON.parse(v6.out[0]!) as { stream: { family: string } }).stream.family).toBe('ipv6');
  });

  it('--fail-on judges the capture: a condition the flow meets exits 3 and is named, one it does not meet exits 0', async () => {
    const lib = await analyzeCapture(join(FIX, 'eth.pcapng'), { port: 5000, gapMs: 100 });
    const longest = Math.max(...lib.gaps.map((g) => g.durationMs), lib.trailingSilenceMs ?? 0);
    const met = await run([join(FIX, 'eth.pcapng'), '--port', '5000', '--gap-ms', '100', '--json', '--fail-on', `packets<${lib.packets + 1}`, '--fail-on', `gap>${Math.floor(longest) + 1}ms`]);
    expect(met.exitCode).toBe(3);
    expect(met.err).toEqual([`gapscope: packets<${lib.packets + 1} failed: the number of packets received was ${lib.packets}.`]);
    expect((JSON.parse(met.out[0]!) as { verdict: { failed: string[] } }).verdict.failed).toEqual([`packets<${lib.packets + 1}`]);
    const unmet = await run([join(FIX, 'eth.pcapng'), '--port', '5000', '--gap-ms', '100', '--fail-on', `packets<${lib.packets}`]);
    expect(unmet.exitCode).toBeUndefined();
    expect(unmet.err).toEqual([]);
    await expect(run([join(FIX, 'eth.pcapng'), '--flows', '--fail-on', 'gap>1s'])).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/does not go with --flows/) });
  });

  it('prints a human summary with the file, the flow and the gaps', async () => {
    const r = await run([join(FIX, 'frag.pcapng'), '--port', '5010']);
    expect(r.out[0]).toMatch(/> 10\.98\.72\.2:5010 in .*frag\.pcapng: pcapng, Ethernet; 143 frames, 40 UDP datagrams in 2 flows\.$/);
    expect(r.out[1]).toBe('40 datagrams reassembled from 120 fragments.');
    expect(r.out.some((l) => /^Received 20 packets, /.test(l))).toBe(true);
  });

  it('a damaged file is one line and exit 1; a missing file and a bad --flow are GapscopeErrors for the CLI to print', async () => {
    const bad = join(tmp, 'bad.pcapng');
    const b = readFileSync(join(FIX, 'eth.pcapng'));
    b.writeUInt32LE(13, 4);
    writeFileSync(bad, b);
    const r = await run([bad, '--port', '5000']);
    expect(r.exitCode).toBe(1);
    expect(r.err).toEqual(['gapscope: Block of type 0xa0d0d0a has an impossible length 13 (must be a multiple of 4, at least 12). (at byte offset 0)']);
    await expect(run([join(tmp, 'nope.pcap')])).rejects.toMatchObject({ code: 'not-found' });
    await expect(run([join(FIX, 'eth.pcapng'), '--flow', '10.0.0.1'])).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/--flow must be SRC>DST/) });
    await expect(run([join(FIX, 'eth.pcapng'), '--port', '9'])).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/^No UDP flow to port 9 in eth\.pcapng; it has 2 flows: /) });
  });

  it('--compare: two captures of the same run (Ethernet and Linux cooked) match datagram for datagram', async () => {
    const r = await run([join(FIX, 'eth.pcapng'), '--compare', join(FIX, 'sll.pcap'), '--port', '5000', '--json']);
    const c = JSON.parse(r.out[0]!) as { matched: number; matchedBy: string; a: { packets: number }; missingInA: { count: number }; missingInB: { count: number }; delayMs: { max: number } };
    expect(c.matchedBy).toBe('sequence');
    expect(c.matched).toBe(c.a.packets);
    expect(c.missingInA.count + c.missingInB.count).toBe(0);
    expect(Math.abs(c.delayMs.max)).toBeLessThan(1);
    const human = await run([join(FIX, 'eth.pcapng'), '--compare', join(FIX, 'sll.pcap'), '--port', '5000']);
    expect(human.out[3]).toBe('Missing in B: 0 datagrams, 0 B. Missing in A: 0 datagrams, 0 B.');
  });

  it('checks its values with the contract\'s sentences, and draws progress from importProgress, cleared at the end', async () => {
    await expect(run([join(FIX, 'eth.pcapng'), '--port', '5000', '--bin', '5'])).rejects.toMatchObject({ code: 'invalid-argument', field: 'binMs', message: 'Bins are 10 ms to 10 s.' });
    await expect(run([join(FIX, 'eth.pcapng'), '--port', '5000', '--decode', 'klingon'])).rejects.toMatchObject({ code: 'invalid-argument', field: 'decode', message: expect.stringMatching(/^The payload format is not a known format/) });
    const drawn: (string | null)[] = [];
    const r = await run([join(FIX, 'eth.pcapng'), '--port', '5000', '--json'], (t) => void drawn.push(t));
    expect(r.exitCode).toBeUndefined();
    expect(drawn.some((t) => t !== null && /^Reading \d+% \(/.test(t))).toBe(true);
    expect(drawn.at(-1)).toBeNull();
  });

  it('a file that is not a capture is one line that does not quote it, exit 1', async () => {
    const notes = join(tmp, 'notes.pcap');
    writeFileSync(notes, 'password=hunter2\n');
    const r = await run([notes]);
    expect(r.exitCode).toBe(1);
    expect(r.err).toEqual([`gapscope: ${notes} is not a pcap or pcapng capture: Gapscope reads Wireshark's .pcapng and tcpdump's .pcap, gzip-compressed or not.`]);
  });
});
