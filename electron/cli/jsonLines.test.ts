// --json-stream's published schemas are the zod schemas' own output, and the lines the CLI
// writes for gaps follow one rule: every gap-ended after a gap-started with the same start.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { ListenLineSchema, STREAM_SCHEMAS, streamJsonSchema } from '../../shared/jsonStream/lines';
import type { Gap, ReceptionDelta } from '../../shared/reception/types';
import { GapLines, lineWriter } from './jsonLines';

const SCHEMA_DIR = join(__dirname, '..', '..', 'docs', 'schema');
const published = (name: string): object => JSON.parse(readFileSync(join(SCHEMA_DIR, `${name}.schema.json`), 'utf8')) as object;

describe('the published JSON Schemas', () => {
  it.each(Object.keys(STREAM_SCHEMAS))('%s is what the zod schema generates (run scripts/json-schemas.mjs after changing it)', (name) => {
    expect(published(name)).toEqual(streamJsonSchema(name as keyof typeof STREAM_SCHEMAS));
  });

  it('compile in a JSON Schema validator, accept what the zod schema accepts and refuse what it refuses', () => {
    const validate = new Ajv2020({ strict: true }).compile(published('listen-stream'));
    const good = { type: 'gap-ended', at: 1, startMs: 10, endMs: 20, durationMs: 10, lostPackets: null, cause: 'unknown' };
    expect(validate(good)).toBe(true);
    expect(ListenLineSchema.safeParse(good).success).toBe(true);
    for (const bad of [{ ...good, type: 'gap-over' }, { ...good, durationMs: '10' }, { ...good, extra: 1 }, { type: 'tick', at: 1 }]) {
      expect(validate(bad)).toBe(false);
      expect(ListenLineSchema.safeParse(bad).success).toBe(false);
    }
  });
});

describe('GapLines', () => {
  const gap = (startMs: number, endMs: number): Gap => ({ startMs, endMs, durationMs: endMs - startMs, packetsBefore: 1, bytesBefore: 1, cause: 'unexplained', lostPackets: 3 });
  const delta = (d: Partial<ReceptionDelta>): ReceptionDelta => ({ newGaps: [], openGap: null, gapThresholdMs: 200, ...d }) as ReceptionDelta;

  it('writes gap-started when the silence passes the threshold and gap-ended when it closes, once each', () => {
    const out: string[] = [];
    const lines = new GapLines(lineWriter((l) => out.push(l), () => 5));
    lines.onDelta(delta({ openGap: { startMs: 100, durationMs: 250 } }));
    lines.onDelta(delta({ openGap: { startMs: 100, durationMs: 350 } }));
    lines.onDelta(delta({ newGaps: [gap(100, 600)] }));
    // A gap that opened and closed between two deltas still gets its start first.
    lines.onDelta(delta({ newGaps: [gap(700, 950)] }));
    expect(out.map((l) => JSON.parse(l) as unknown)).toEqual([
      { type: 'gap-started', at: 5, startMs: 100, thresholdMs: 200 },
      { type: 'gap-ended', at: 5, startMs: 100, endMs: 600, durationMs: 500, lostPackets: 3, cause: 'packets-lost' },
      { type: 'gap-started', at: 5, startMs: 700, thresholdMs: 200 },
      { type: 'gap-ended', at: 5, startMs: 700, endMs: 950, durationMs: 250, lostPackets: 3, cause: 'packets-lost' },
    ]);
    for (const l of out) expect(ListenLineSchema.safeParse(JSON.parse(l)).success).toBe(true);
  });
});
