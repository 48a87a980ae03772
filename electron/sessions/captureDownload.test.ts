// The download helper on its own: the checks at the door, and a range copy that waits for a slow
// receiver and gives up (closing the file) when the receiver goes away.
import { EventEmitter } from 'node:events';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureReader } from '../../shared/pcapng/read';
import { enhancedPacketBlock, interfaceDescriptionBlock, sectionHeaderBlock } from '../../shared/pcapng/write';
import type { GapscopeService } from '../../shared/contract';
import type { SessionRecord } from '../../shared/contract/sessions';
import { GapscopeError } from '../../shared/errors';
import { writeCaptureRange, type ByteSink } from '../capture/captureRange';
import { parseCaptureDownload, saveSessionCapture } from './captureDownload';

let dir: string;
let file: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gs-dl-'));
  mkdirSync(join(dir, 's1'));
  file = join(dir, 's1', 'capture.pcapng');
  const fd = openSync(file, 'w');
  writeSync(fd, sectionHeaderBlock({ userAppl: 'test' }));
  writeSync(fd, interfaceDescriptionBlock({ name: 'lo', tsresol: 6 }));
  const payload = new Uint8Array(500);
  for (let i = 0; i < 4000; i++) {
    new DataView(payload.buffer).setUint32(0, i);
    writeSync(fd, enhancedPacketBlock(0, 1_800_000_000_000 + i, 6, payload)); // one per ms
  }
  closeSync(fd);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A receiver that takes `room` writes, then is full until drained (or destroyed). */
class SlowSink extends EventEmitter implements ByteSink {
  destroyed = false;
  parts: Uint8Array[] = [];
  constructor(private room: number) {
    super();
  }
  write(bytes: Uint8Array): boolean {
    this.parts.push(bytes.slice());
    this.room -= 1;
    return this.room > 0;
  }
  drain(room: number): void {
    this.room = room;
    this.emit('drain');
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('capture download helper', () => {
  it('checks the id and the range at the door', () => {
    expect(parseCaptureDownload('2026-11-24T16-09-03', null, null)).toEqual({ id: '2026-11-24T16-09-03', range: null });
    expect(parseCaptureDownload('s1', '1.5', null)).toEqual({ id: 's1', range: { fromMs: 1500, toMs: 31_622_400_000 } });
    expect(parseCaptureDownload('s1', null, '2')).toEqual({ id: 's1', range: { fromMs: 0, toMs: 2000 } });
    expect(() => parseCaptureDownload('..', null, null)).toThrow('".." is not a session id.');
    expect(() => parseCaptureDownload('a/b', null, null)).toThrow('is not a session id');
    expect(() => parseCaptureDownload('s1', '', '2')).toThrow('from must be a number of seconds');
    expect(() => parseCaptureDownload('s1', 'Infinity', null)).toThrow('not "Infinity"');
    expect(() => parseCaptureDownload('s1', '3', '2')).toThrow('from (3 s) must not be after to (2 s).');
  });

  it('waits while the receiver is full and copies exactly the range', async () => {
    const sink = new SlowSink(3);
    let done = false;
    const copy = writeCaptureRange(file, { fromMs: 1000, toMs: 2999 }, sink, 'test', 'range').then((r) => ((done = true), r));
    await tick();
    expect(done).toBe(false); // full after 3 writes: it waits for 'drain'
    while (!done) {
      sink.drain(200);
      await tick();
    }
    expect(await copy).toEqual({ packets: 2000, seen: 4000 });
    const seqs: number[] = [];
    const reader = new CaptureReader((r) => seqs.push(new DataView(r.data.buffer, r.data.byteOffset).getUint32(0)));
    for (const p of sink.parts) reader.push(p);
    reader.end();
    expect([seqs.length, seqs[0], seqs.at(-1)]).toEqual([2000, 1000, 2999]);
  });

  it('stops when the receiver goes away while it waits', async () => {
    const sink = new SlowSink(2);
    const copy = writeCaptureRange(file, { fromMs: 0, toMs: 10_000 }, sink, 'test', 'range');
    await tick();
    sink.destroy();
    await expect(copy).rejects.toThrow('the receiver went away');
    expect(sink.listenerCount('drain') + sink.listenerCount('close')).toBe(0);
  });

  it('saves a session capture, whole or a range, to a chosen file, and says clearly when it cannot', async () => {
    // The two requests the helper makes of the back end, answered from this folder.
    const record = { id: 's1', name: 'bench', status: 'complete', capture: 'capture.pcapng', app: 'Gapscope test' } as SessionRecord;
    const service = {
      getSession: async (id: string) => {
        if (id !== 's1') throw new GapscopeError('not-found', `No session ${id}.`);
        return record;
      },
      getSessionFolder: async () => dir,
    } as unknown as GapscopeService;
    const out = mkdtempSync(join(dir, 'out-'));

    const whole = await saveSessionCapture(service, parseCaptureDownload('s1', null, null), join(out, 'whole.pcapng'));
    expect(readFileSync(whole.file).equals(readFileSync(file))).toBe(true);
    expect(whole.packets).toBeNull();
    const part = await saveSessionCapture(service, parseCaptureDownload('s1', '0.5', '0.9995'), join(out, 'part.pcapng'));
    expect(part.packets).toBe(500);
    let n = 0;
    const reader = new CaptureReader(() => (n += 1));
    reader.push(readFileSync(part.file));
    reader.end();
    expect(n).toBe(500);

    await expect(saveSessionCapture(service, parseCaptureDownload('s1', null, null), 'relative.pcapng')).rejects.toThrow('relative.pcapng must be an absolute path ending in .pcapng.');
    await expect(saveSessionCapture(service, parseCaptureDownload('s1', null, null), join(out, 'x.txt'))).rejects.toThrow('must be an absolute path ending in .pcapng');
    await expect(saveSessionCapture(service, parseCaptureDownload('s1', null, null), file)).rejects.toThrow("is the session's own capture");
    await expect(saveSessionCapture(service, parseCaptureDownload('s2', null, null), join(out, 'y.pcapng'))).rejects.toThrow('No session s2.');
    await expect(saveSessionCapture(service, parseCaptureDownload('s1', '0', '1'), join(out, 'missing', 'z.pcapng'))).rejects.toThrow(`Cannot write ${join(out, 'missing', 'z.pcapng')}: the folder ${join(out, 'missing')} does not exist.`);
    record.status = 'recording';
    await expect(saveSessionCapture(service, parseCaptureDownload('s1', null, null), join(out, 'w.pcapng'))).rejects.toThrow('"bench" is still being recorded');
    // Nothing half-written is left behind.
    expect(readdirSync(out).sort()).toEqual(['part.pcapng', 'whole.pcapng']);
    expect(existsSync(join(out, 'missing'))).toBe(false);
  });
});
