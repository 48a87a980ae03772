import { describe, expect, it } from 'vitest';
import { binsCsv, csvField, gapsCsv, packetsCsv } from './csv';

describe('CSV exports', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField(-5)).toBe('-5');
    expect(csvField(null)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
  });

  it('writes bins with rates and loss, gaps, and packets', () => {
    expect(binsCsv({ binMs: 100, bins: [{ startMs: 0, packets: 2, bytes: 1024, lost: 0 }, { startMs: 100, packets: 1, bytes: 512, lost: 3 }] })).toBe(
      'start_ms,packets,bytes,bytes_per_sec,lost_packets\r\n0,2,1024,10240,0\r\n100,1,512,5120,3\r\n',
    );
    const gap = { startMs: 10, endMs: 1010, durationMs: 1000, packetsBefore: 5, bytesBefore: 2560 };
    expect(gapsCsv({ gaps: [{ ...gap, cause: 'unknown', causeText: 'network or sender', lostPackets: null }, { ...gap, cause: 'packets-lost', causeText: 'packets lost', lostPackets: 12 }] })).toBe(
      'number,start_ms,end_ms,duration_ms,packets_before,bytes_before,lost_packets,cause,cause_text\r\n1,10,1010,1000,5,2560,,unknown,network or sender\r\n2,10,1010,1000,5,2560,12,packets-lost,packets lost\r\n',
    );
    // With the wire view beside the socket: where each gap's misses were lost, in columns after the cause.
    const location = { where: 'socket-buffer', matchedBy: 'sequence', missed: 40, beforeWire: 0, socketBuffer: 40, afterWire: 0 } as const;
    expect(gapsCsv({ gaps: [{ ...gap, cause: 'packets-lost', causeText: 'packets lost', lostPackets: 3, socketDrops: 40, location }, { ...gap, cause: 'sender-paused', causeText: 'sender paused', lostPackets: 0 }] })).toBe(
      'number,start_ms,end_ms,duration_ms,packets_before,bytes_before,lost_packets,cause,cause_text,socket_drops,where,where_text,missed,before_wire,socket_buffer,after_wire,matched_by\r\n' +
        '1,10,1010,1000,5,2560,3,packets-lost,packets lost,40,socket-buffer,dropped in this machine\u2019s receive buffer,40,0,40,0,sequence\r\n' +
        '2,10,1010,1000,5,2560,0,sender-paused,sender paused,,,,,,,,\r\n',
    );
    expect(packetsCsv([{ atMs: 1.5, from: '[fd00::1]:5000', size: 4, hex: '00 01 02 03', decoded: 'sequence 7, late', flags: 0 }])).toBe(
      'time_ms,source,size,decoded,first_bytes_hex\r\n1.5,[fd00::1]:5000,4,"sequence 7, late",00 01 02 03\r\n',
    );
  });
});
