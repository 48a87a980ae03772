// A full disk, for real: `gapscope listen --record` into a small tmpfs mounted by the test in a
// private mount namespace (unshare -m), fed over loopback until the disk is full. The recording
// ends failed with the disk's sentence, the report and FILE.json count exactly the packets the
// file holds (tshark counts them), and no temporary file is left. Needs root, util-linux and tshark.
import { execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GAPSCOPE_BIN } from '../../lab/gapscope';
import { freeUdpPort } from '../testing/builtWorker';

const work = mkdtempSync(join(tmpdir(), 'gs-fulldisk-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function tsharkPackets(file: string, filter: string): number {
  const out = execFileSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' }).trim();
  return out === '' ? 0 : out.split('\n').length;
}

describe('recording onto a disk that fills up (a 96 KiB tmpfs)', () => {
  it('ends failed with the reason, counts what the file holds and leaves no temporary file', { timeout: 60_000 }, async () => {
    const port = await freeUdpPort();
    const disk = join(work, 'disk');
    const out = join(work, 'out');
    execFileSync('mkdir', ['-p', disk, out, join(work, 'data')]);
    // Everything inside the private mount namespace: mount, record, then copy out what is on the disk.
    const script = [
      'set -e',
      `mount -t tmpfs -o size=96k tmpfs "${disk}"`,
      `set +e; node "${GAPSCOPE_BIN}" --data-dir "${join(work, 'data')}" listen --port ${port} --address 127.0.0.1 --record "${disk}/run.pcapng" --duration 6 --json > "${out}/report.json"; rc=$?`,
      `ls -A "${disk}" > "${out}/left.txt"`,
      `cp "${disk}/run.pcapng" "${disk}/run.pcapng.json" "${out}/"`,
      'exit $rc',
    ].join('\n');
    const child = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // Feed 512-byte datagrams until the command ends: far more than 96 KiB.
    const sock = createSocket('udp4');
    let done = false;
    void exited.then(() => (done = true));
    const payload = Buffer.alloc(512, 0x42);
    while (!done) {
      for (let i = 0; i < 10; i++) sock.send(payload, port, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 5));
    }
    sock.close();
    const code = await exited;
    expect(code, stderr).toBe(0);

    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { packets: number; recording: { packets: number; error: string | null } };
    const inFile = tsharkPackets(join(out, 'run.pcapng'), 'frame.interface_id == 0');
    expect(inFile).toBeGreaterThan(50);
    expect(report.packets).toBeGreaterThan(inFile); // the stream went on after the disk was full
    expect(report.recording.packets).toBe(inFile);
    expect(report.recording.error).toMatch(/the disk holding .*run\.pcapng(\.json)? is full/);
    const sidecar = JSON.parse(readFileSync(join(out, 'run.pcapng.json'), 'utf8')) as { status: string; error: { message: string } | null; streams: { packets: number }[] };
    expect(sidecar.status).toBe('failed');
    expect(sidecar.error?.message).toMatch(/is full/);
    expect(sidecar.streams[0]!.packets).toBe(inFile);
    expect(readFileSync(join(out, 'left.txt'), 'utf8').trim().split('\n').sort()).toEqual(['run.pcapng', 'run.pcapng.json']);
    console.log(`full tmpfs: ${report.packets} packets received, ${inFile} in the file, report and FILE.json say ${report.recording.packets} and ${sidecar.streams[0]!.packets}`);
  });
});
