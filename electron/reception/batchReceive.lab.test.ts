// Batch receive (recvmmsg, electron/reception/datagramReader.ts) end to end: `gapscope listen`
// reading in batches (the default) and `gapscope listen` reading one datagram at a time
// (GAPSCOPE_RECEIVE=single), on the same multicast
// group beside a bare reference socket (every socket gets a copy of each datagram), with the flow
// cut twice and 2% of it dropped at random by nftables on the inspector's input (lab/nft.ts): all
// three count the same datagrams, both Gapscope runs find the same gaps after the same packets, and
// the batch run's recording (--record) holds every datagram it counted.
//
// Subnet 10.98.61.0/24. Needs root, iproute2, nftables, `npm run build` and the addon built at install.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabPair, type LabPair } from '../../lab/netns';
import { Impairments } from '../../lab/nft';
import { startGapscope } from '../../lab/gapscope';
import { startBare, startSender } from '../../lab/streams';
import { streamSetup } from '../../lab/modes';
import { batchReceiveProblem } from './datagramReader';

const SUBNET = 61;

/** The names of a process's threads: the addon's reading thread is called gs-recvmmsg. */
function threadNames(pid: number): string[] {
  return readdirSync(`/proc/${pid}/task`).map((t) => {
    try {
      return readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim();
    } catch {
      return '';
    }
  });
}
const GAP_MS = 100;

describe.runIf(process.platform === 'linux')('batch receive against one-by-one, real sockets in the lab', () => {
  let pair: LabPair;
  beforeAll(async () => {
    pair = await createLabPair({ subnet: SUBNET });
  });
  afterAll(async () => {
    await pair?.teardown();
  });

  it('is available here (built at install)', () => {
    expect(batchReceiveProblem()).toBe('');
  });

  it('counts the same datagrams and finds the same gaps as dgram and as the bare socket', async () => {
    const port = 46_100;
    const setup = streamSetup('multicast-ipv4', pair, port, SUBNET);
    const imp = await Impairments.install(pair.inspector, { port });
    const dir = mkdtempSync(join(tmpdir(), 'gs-batch-'));
    try {
      await imp.randomLoss(2);
      const listen = (mode: string | null, extra: string[] = []) =>
        startGapscope(pair.inspector, { args: [...setup.gapscopeArgs, '--recv-buffer', String(8 * 1024 * 1024), ...extra], durationS: 120, gapMs: GAP_MS, group: setup.group, ...(mode ? { env: { GAPSCOPE_RECEIVE: mode } } : {}) });
      // Batch receive is the default where the addon is built.
      const batch = await listen(null, ['--record', join(dir, 'batch.pcapng')]);
      const single = await listen('single');
      expect(threadNames(batch.proc.pid)).toContain('gs-recvmmsg');
      expect(threadNames(single.proc.pid)).not.toContain('gs-recvmmsg');
      const bare = await startBare(pair.inspector, { ...setup.bare, gapMs: GAP_MS, recvBuffer: 8 * 1024 * 1024 });
      const sender = startSender(pair.device, { ...setup.sender, pps: 4000, size: 512, durationS: 4 });
      await sender.started;
      for (const ms of [400, 300]) {
        await new Promise((r) => setTimeout(r, 800));
        await imp.cutOut(ms);
      }
      const sent = await sender.done;
      await pair.inspector.waitForUdpQueuesEmpty([port]);
      const [b, s, ref] = [await batch.stop(), await single.stop(), await bare.stop()];
      const drops = await imp.counts();
      expect(drops.dropped).toBeGreaterThan(0);
      expect(ref.packets).toBeLessThan(sent.sent);
      expect(b.packets).toBe(ref.packets);
      expect(s.packets).toBe(ref.packets);
      expect(b.bytes).toBe(s.bytes);
      // The two cut-outs, at least; the random loss at 4,000/s makes no 100 ms silence of its own.
      expect(b.gaps.length).toBeGreaterThanOrEqual(2);
      expect(b.gaps.map((g) => g.packetsBefore)).toEqual(s.gaps.map((g) => g.packetsBefore));
      const recording = (b as unknown as { recording?: { packets: number; notRecorded?: number } }).recording;
      expect(recording?.packets).toBe(b.packets);
      expect(recording?.notRecorded ?? 0).toBe(0);
    } finally {
      await imp.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
