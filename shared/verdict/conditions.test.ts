import { describe, expect, it } from 'vitest';
import { ConditionError, judge, parseCondition, parseConditions } from './conditions';
import { finalStreamFacts } from './streamFacts';

const sentence = (text: string, subject: 'stream' | 'browse' | 'dns' = 'stream'): string => {
  try {
    parseCondition(text, subject);
  } catch (e) {
    expect(e).toBeInstanceOf(ConditionError);
    return (e as Error).message;
  }
  throw new Error(`${text} was accepted`);
};

describe('parseCondition', () => {
  it('reads each metric with its units into one canonical spelling', () => {
    expect(parseCondition('gap>500ms', 'stream')).toEqual({ text: 'gap>500ms', metric: 'gap', measure: 'gapMs', op: '>', value: 500 });
    expect(parseCondition(' GAP > 1.5 s ', 'stream')).toMatchObject({ text: 'gap>1500ms', value: 1500 });
    expect(parseCondition('no-data>=5s', 'stream')).toMatchObject({ text: 'no-data>=5s', measure: 'noDataMs', op: '>=', value: 5000 });
    expect(parseCondition('no-data>2min', 'stream')).toMatchObject({ value: 120_000 });
    expect(parseCondition('loss>1%', 'stream')).toMatchObject({ measure: 'lossPercent', value: 1 });
    expect(parseCondition('duty<95%', 'stream')).toMatchObject({ measure: 'dutyPercent', op: '<', value: 95 });
    expect(parseCondition('packets<1000', 'stream')).toMatchObject({ measure: 'packets', value: 1000 });
    expect(parseCondition('gaps<=3', 'stream')).toMatchObject({ measure: 'gaps', op: '<=', value: 3 });
    expect(parseCondition('rate<100KiB/s', 'stream')).toMatchObject({ text: 'rate<100KiB/s', measure: 'bytesPerSec', value: 102_400 });
    expect(parseCondition('rate<2MB/s', 'stream')).toMatchObject({ measure: 'bytesPerSec', value: 2e6 });
    expect(parseCondition('rate<8Mbit/s', 'stream')).toMatchObject({ measure: 'bytesPerSec', value: 1e6 });
    expect(parseCondition('rate<500pps', 'stream')).toMatchObject({ measure: 'packetsPerSec', value: 500 });
    expect(parseCondition('services<1', 'browse')).toMatchObject({ measure: 'services', value: 1 });
    expect(parseCondition('rtt>100ms', 'dns')).toMatchObject({ measure: 'rttMs', value: 100 });
    expect(parseCondition('failures>0', 'dns')).toMatchObject({ measure: 'failures', value: 0 });
  });

  it('says what is wrong with a bad condition and how to write it', () => {
    expect(sentence('latency>5ms')).toBe('"latency>5ms": latency is not a condition Gapscope knows; listen and analyze take gap, gaps, loss, packets, duty, rate and no-data (e.g. gap>500ms, loss>1%, packets<1000).');
    expect(sentence('gap500ms')).toBe(`"gap500ms" has no comparison: write gap>VALUE or gap<VALUE (quote it in a shell: 'gap>…').`);
    expect(sentence('gap>500')).toBe('"gap>500" needs a unit: ms, s or min (e.g. gap>500ms).');
    expect(sentence('gap>5kg')).toBe('"gap>5kg": gap is a duration; its unit is ms, s or min, not kg.');
    expect(sentence('loss>1')).toBe('"loss>1": loss is a percentage; write it with %, e.g. loss>1%.');
    expect(sentence('duty<150%')).toBe('"duty<150%": a percentage is 0 to 100.');
    expect(sentence('packets<10.5')).toBe('"packets<10.5": packets is a count; write a whole number, e.g. packets<11.');
    expect(sentence('packets<10ms')).toBe('"packets<10ms": packets is a count; write a whole number without a unit, e.g. packets<10.');
    expect(sentence('rate<5')).toBe('"rate<5" needs a rate unit: B/s, KiB/s, MiB/s, kB/s, MB/s, kbit/s, Mbit/s or pps (e.g. rate<5KiB/s).');
    expect(sentence('gap>-1ms')).toBe('"gap>-1ms": the value cannot be negative.');
    expect(sentence('services<1')).toBe('"services<1" is a condition for browse; listen and analyze take gap, gaps, loss, packets, duty, rate and no-data.');
    expect(sentence('gap>1s', 'browse')).toBe('"gap>1s" is a condition for listen and analyze; browse take services and types.');
    expect(sentence('gap>>1s')).toBe('"gap>>1s" is not a condition: write METRIC>VALUE or METRIC<VALUE with a number, e.g. gap>500ms, loss>1%, packets<1000.');
    expect(sentence('')).toBe('A condition is empty: write METRIC>VALUE or METRIC<VALUE, e.g. gap>500ms, loss>1%, packets<1000.');
  });

  it('takes several conditions per value, each once', () => {
    expect(parseConditions(['gap>500ms,loss>1%', 'gap>0.5s', 'packets<10,'], 'stream').map((c) => c.text)).toEqual(['gap>500ms', 'loss>1%', 'packets<10']);
    expect(() => parseConditions([','], 'stream')).toThrow(ConditionError);
  });
});

describe('judge', () => {
  const run = {
    packets: 9000,
    bytes: 4_608_000,
    durationMs: 10_000,
    firstPacketMs: 200,
    lastPacketMs: 9_000,
    gaps: [{ durationMs: 300 }, { durationMs: 800 }],
    gapCount: 2,
    trailingSilenceMs: null,
    dutyCycle: 0.9,
    loss: { expected: 10_000, lost: 1000 },
  };
  const facts = finalStreamFacts(run);

  it('measures a finished run: longest gap, silence from the start on, loss, duty, average rate', () => {
    expect(facts).toEqual({ gapMs: 800, gaps: 2, lossPercent: 10, packets: 9000, dutyPercent: 90, bytesPerSec: 460_800, packetsPerSec: 900, noDataMs: 1000 });
  });

  it('fails the conditions that hold, passes the others, in the order given', () => {
    const v = judge(parseConditions(['gap>500ms,gap>1s,loss>1%,packets<1000,duty<95%,rate<1MB/s,rate<900pps,no-data>999ms,gaps>2'], 'stream'), facts);
    expect(v.failed).toEqual(['gap>500ms', 'loss>1%', 'duty<95%', 'rate<1MB/s', 'no-data>999ms']);
    expect(v.ok).toBe(false);
    expect(v.conditions.find((c) => c.condition === 'gap>500ms')).toEqual({ condition: 'gap>500ms', failed: true, actual: 800, sentence: 'gap>500ms failed: the longest gap was 800 ms.' });
    expect(v.conditions.find((c) => c.condition === 'gap>1s')?.sentence).toBe('gap>1s passed: the longest gap was 800 ms.');
    expect(v.conditions.find((c) => c.condition === 'rate<1MB/s')?.sentence).toBe('rate<1MB/s failed: the average rate was 0.461 MB/s.');
    expect(v.conditions.find((c) => c.condition === 'rate<900pps')?.failed).toBe(false);
    expect(judge(parseConditions(['gap>1s'], 'stream'), facts)).toEqual({ ok: true, failed: [], conditions: [expect.objectContaining({ failed: false })] });
  });

  it('fails a condition it cannot check, saying why', () => {
    const noSeq = finalStreamFacts({ ...run, loss: null });
    expect(judge(parseConditions(['loss>1%'], 'stream'), noSeq).conditions[0]).toEqual({ condition: 'loss>1%', failed: true, actual: null, sentence: 'loss>1% could not be checked: the payload carries no sequence numbers Gapscope reads (see --decode).' });
    const silent = finalStreamFacts({ ...run, packets: 0, bytes: 0, firstPacketMs: null, lastPacketMs: null, gaps: [], gapCount: 0, dutyCycle: null, loss: null });
    expect(silent.noDataMs).toBe(10_000);
    expect(judge(parseConditions(['duty<95%'], 'stream'), silent).failed).toEqual(['duty<95%']);
  });

  it('counts the silence at the end as a gap', () => {
    expect(finalStreamFacts({ ...run, trailingSilenceMs: 2500, lastPacketMs: 7_500 }).gapMs).toBe(2500);
  });
});
