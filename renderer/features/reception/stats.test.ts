import { describe, expect, it } from 'vitest';
import type { StreamInfo } from '../../../shared/contract';
import { ThroughputHistory } from '../../../shared/reception/throughputHistory';
import { emptyReception, type ReceptionState } from './streamState';
import { statTiles, streamTitle } from './stats';
import { judgeRecvBuffer } from '../../../shared/reception/receiveBuffer';
import { PairingLedger } from '../../../shared/reception/pairing';
import { encodeSeq } from '../../../shared/decoders/sequenceField';
import { writeAccount } from '../../../shared/generator/pairing';

const info: StreamInfo = {
  id: 's1',
  config: { port: 4000, binMs: 100, recvBufferBytes: 8 << 20, decode: 'auto' },
  kind: 'unicast',
  family: 'ipv4',
  status: 'listening',
  error: null,
  warning: null,
  startedAt: 0,
  bound: '0.0.0.0:4000',
  recvBufferRequested: 8 << 20,
  recvBufferGranted: 416 << 10,
};

function receiving(): ReceptionState {
  const r = emptyReception(100, true);
  return {
    ...r,
    nowMs: 5050,
    totals: { ...r.totals, packets: 2000, bytes: 1_024_000, firstPacketMs: 50, lastPacketMs: 5040, dutyCycle: 0.8, gapCount: 1, gapMs: 1000, expected: { expectedBytes: 1_280_000, expectedPackets: 2500, bytesRatio: 0.55, packetsRatio: 0.8 } },
    bins: ThroughputHistory.fromSnapshot({ binMs: 100, firstIndex: 0, packets: new Array<number>(51).fill(50), bytes: new Array<number>(51).fill(25_600), lost: new Array<number>(51).fill(0) }, 5050),
  };
}

const byId = (tiles: ReturnType<typeof statTiles>) => Object.fromEntries(tiles.map((t) => [t.id, t]));

describe('statTiles', () => {
  it('describes a receiving stream in the user words', () => {
    const t = byId(statTiles(info, receiving()));
    expect(t.packets!.value).toBe('2,000');
    expect(t['packet-rate']!.value).toBe('500 pkt/s');
    expect(t.throughput!.value).toBe('250 KiB/s');
    expect(t['duty-cycle']!.value).toBe('80%');
    expect(t['duty-cycle']!.tone).toBe('bad');
    expect(t.gaps!.detail).toBe('1.00 s without data');
    expect(t.expected!.value).toBe('55% of the bytes');
    expect(t.expected!.detail).toBe('80% of the packets');
    expect(t.buffer!.tone).toBe('warn');
    expect(t['open-gap']!.value).toBe('receiving');
  });

  it('says how long the current silence lasts', () => {
    const r = { ...receiving(), openGap: { startMs: 3850, durationMs: 1200 } };
    expect(byId(statTiles(info, r))['open-gap']!.value).toBe('no data for 1.20 s');
  });

  it('calls a stopped stream stopped even when it ended in silence, and a stream opened from a file socketless', () => {
    const r = { ...receiving(), openGap: { startMs: 3850, durationMs: 1200 } };
    const t = byId(statTiles({ ...info, status: 'stopped', recvBufferRequested: 0, recvBufferGranted: null }, r));
    expect(t['open-gap']!.value).toBe('stopped');
    expect(t['open-gap']!.detail).toContain('no data in its last 1.20 s');
    expect(t.buffer!.detail).toBe('no socket: opened from a file');
  });

  it('says what is missing before data arrives', () => {
    const t = byId(statTiles({ ...info, recvBufferGranted: null }, emptyReception(100, true)));
    expect(t.expected!.value).toBe('—');
    expect(t['duty-cycle']!.value).toBe('—');
    expect(t['open-gap']!.value).toBe('waiting for data');
    expect(t.buffer!.value).toBe('—');
  });

  it('shows loss by sequence number and jitter only when the stream is decoded', () => {
    expect(byId(statTiles(info, receiving())).loss).toBeUndefined();
    const loss = { format: 'iperf2' as const, received: 1990, expected: 2000, lost: 12, duplicates: 2, reordered: 1, outOfOrder: 3, jitterMs: 0.25, crcErrors: 0, notes: ['Counted as iperf 2.1.8 prints Lost/Total.'] };
    const t = byId(statTiles(info, { ...receiving(), loss }));
    expect(t.loss!.label).toBe('Lost (iperf 2)');
    expect(t.loss!.value).toBe('12 of 2,000');
    expect(t.loss!.detail).toBe('0.60% · 2 duplicate · 1 late');
    expect(t.loss!.tone).toBe('warn');
    expect(t.jitter!.value).toBe('0.25 ms');
    const gdl = byId(statTiles(info, { ...receiving(), loss: { ...loss, format: 'gdl90' as const, expected: null, lost: null, jitterMs: null, crcErrors: 3 } }));
    expect(gdl.loss!.detail).toBe('3 CRC or checksum errors');
    expect(gdl.loss!.tone).toBe('bad');
    expect(gdl.jitter).toBeUndefined();
  });

  it('shows the paired sender’s count against what arrived, from the back end’s pairing', () => {
    expect(byId(statTiles(info, receiving())).paired).toBeUndefined();
    const ledger = new PairingLedger();
    for (let q = 0; q < 100; q++) {
      const d = encodeSeq(q, 1e15 + q * 1000, 64)!;
      writeAccount(d, { run: 1, refused: 0, step: 0, stepFirstSequence: 0, sweep: 'none', stepValue: 0, end: false });
      if (q % 10 !== 3) ledger.onPacket(q, d);
    }
    const t = byId(statTiles(info, { ...receiving(), pairing: ledger.summary() }));
    expect(t.paired!.label).toBe('Lost on the path');
    expect(t.paired!.value).toBe('10 of 100 sent');
    expect(t.paired!.tone).toBe('bad');
    expect(t.paired!.hint).toMatch(/sent and lost on the path: 10/);
  });

  it('names a stream by label or endpoint', () => {
    expect(streamTitle(info)).toBe('0.0.0.0:4000');
    expect(streamTitle({ ...info, family: 'ipv6', config: { ...info.config, address: 'ff02::1' } })).toBe('[ff02::1]:4000');
    expect(streamTitle({ ...info, config: { ...info.config, label: 'GDL90' } })).toBe('GDL90');
  });

  it('shows what Linux honoured under its cap, not the doubled figure it reports, and how to raise it', () => {
    const recvBuffer = judgeRecvBuffer('linux', 8 << 20, 8 << 20, { name: 'net.core.rmem_max', bytes: 4 << 20 });
    const t = byId(statTiles({ ...info, recvBufferGranted: 8 << 20, recvBuffer }, receiving()));
    expect(t.buffer).toMatchObject({ value: '4.00 MiB', detail: 'of 8.00 MiB asked: net.core.rmem_max caps it', tone: 'warn', raw: 4 << 20 });
    expect(t.buffer!.hint).toContain('sudo sysctl -w net.core.rmem_max=8388608');
  });
});
