#!/usr/bin/env node
// Writes docs/schema/*.schema.json, the published JSON Schemas of --json-stream's lines, from the
// zod schemas in shared/jsonStream/lines.ts (the one source; shared/jsonStream/lines.test.ts fails
// when a published file differs from what this writes).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';

const root = fileURLToPath(new URL('..', import.meta.url));
const jiti = createJiti(import.meta.url);
const { STREAM_SCHEMAS, streamJsonSchema } = await jiti.import(`${root}shared/jsonStream/lines.ts`);
for (const name of Object.keys(STREAM_SCHEMAS)) {
  const file = `${root}docs/schema/${name}.schema.json`;
  writeFileSync(file, `${JSON.stringify(streamJsonSchema(name), null, 2)}\n`);
  process.stdout.write(`wrote ${file.slice(root.length)}\n`);
}
