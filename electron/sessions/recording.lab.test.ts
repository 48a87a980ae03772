// Recording in the lab (subnet 10.98.71.0/24): `listen --record` in the inspector namespace while
// the device sends, then the real tshark and capinfos read the file.
// - a normal stop: tshark counts exactly the packets of Gapscope's report;
// - SIGKILL mid-recording: the file reads without error up to the last flush, tshark counts what
//   the file holds block by block, close to what was sent, and the sidecar still says "recording"
//   (the library lists such a session as interrupted).
// Needs root, iproute2, tshark and `npm run build` (the receiver worker).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabPair, waitUntil, type LabPair } from '../../lab/netns';
import { GAPSCOPE_BIN } from '../../lab/gapscope';
import { REPO_DIR, lastJsonLine, startSender } from '../../lab/streams';
import type { SessionRecord } from '../../shared/contract/sessions';
import type { ReceptionReport } from '../../shared/reception/report';
import { scanCapture } from './sessionLibrary';
import type { RecordingReport } from '../cli/listen';


function tsharkCount(file: string): number {
  const out = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'udp.dstport'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.trim() === '' ? 0 : out.trim().split('\n').length;
}

describe('listen --record in the lab', () => {
  let lab: LabPair;
  let dir: string;
  beforeAll(async () => {
    lab = await createLabPair({ subnet: 71 });
    dir = mkdtempSync(join(tmpdir(), 'gs-reclab-'));
  });
  afterAll(async () => {
    await lab?.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startRecorder(port: number, file: string, seconds?: number) {
    // The real command line, with a data folder of its own.
    const args = [GAPSCOPE_BIN, '--data-dir', join(dir, `data-${port}`), 'listen', '--port', String(port), '--record', file, '--json', ...(seconds ? ['--duration', String(seconds)] : [])];
    const proc = lab.inspector.spawn('node', args, { cwd: REPO_DIR });
    await lab.inspector.waitForUdpSocket(proc.pid, port, 20_000);
    // The recording has started once its sidecar is written (startRecording saves it last).
    await waitUntil(() => existsSync(`${file}.json`), `the recording to ${file} to start`, 20_000);
    return proc;
  }

  it('a normal stop: tshark and capinfos read the file and count exactly the packets of the report', async () => {
    const port = 47101;
    const file = join(dir, 'normal.pcapng');
    const proc = await startRecorder(port, file, 4);
    const sender = startSender(lab.device, { to: `10.98.71.2:${port}`, pps: 1000, size: 400, durationS: 2 });
    const sent = await sender.done;
    const r = await proc.exited;
    expect(r.code, r.stderr).toBe(0);
    const report = lastJsonLine<ReceptionReport & { recording: RecordingReport }>('listen --record', r.stdout, r.stderr);
    expect(report.packets).toBeGreaterThan(sent.sent * 0.9);
    expect(tsharkCount(file)).toBe(report.packets);
    expect(report.recording).toMatchObject({ file, packets: report.packets, notRecorded: 0, fromStreamStart: true, error: null });
    expect(execFileSync('capinfos', ['-c', file], { encoding: 'utf8' })).toMatch(new RegExp(`Number of packets:\\s+${report.packets}\\b`));
    const sidecar = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as SessionRecord;
    expect(sidecar.status).toBe('complete');
    expect(sidecar.streams[0]!.snapshot!.totals.packets).toBe(report.packets);
  });

  it('SIGKILL mid-recording: the file reads without error up to the last flush', async () => {
    const port = 47102;
    const file = join(dir, 'killed.pcapng');
    const proc = await startRecorder(port, file);
    const sender = startSender(lab.device, { to: `10.98.71.2:${port}`, pps: 2000, size: 400, durationS: 60 });
    // Killed once a flush (once a second) has put 1,000 packets or more on the disk.
    let flushed = 0;
    await waitUntil(() => (flushed = scanCapture(file, false).packets) >= 1000, 'a flush of 1,000 packets', 30_000);
    proc.kill('SIGKILL');
    await proc.exited;
    sender.proc.kill('SIGINT');
    const sent = await sender.done;
    const scan = scanCapture(file, false);
    // Only whole blocks were ever written: nothing to trim.
    expect(scan.damage).toBeNull();
    expect(scan.packets).toBeGreaterThan(0);
    // capinfos and tshark read it without error (execFileSync throws on a non-zero exit).
    expect(execFileSync('capinfos', ['-c', file], { encoding: 'utf8' })).toMatch(new RegExp(`Number of packets:\\s+${scan.packets}\\b`));
    expect(tsharkCount(file)).toBe(scan.packets);
    // Everything flushed before the kill is there; what came after the last flush is not.
    expect(scan.packets).toBeGreaterThanOrEqual(flushed);
    expect(scan.packets).toBeLessThan(sent.sent);
    const sidecar = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as SessionRecord;
    expect(sidecar.status).toBe('recording');
  });
});
