/**
 * For the recording-extras lab test, run in the inspector namespace through jiti:
 * node node_modules/jiti/lib/jiti-cli.mjs electron/sessions/testing/runRecordExtras.ts PORT FILE
 * The whole back end (createBackend, the built receiver worker, a throwaway data folder): a stream
 * on PORT, the Bonjour browser on every interface, then a recording into FILE. Prints one JSON line
 * per timeline event and "recording" once it records; with GS_DNS_SERVER set, then watches that DNS
 * server (gdl90.lab.test A every second). On SIGTERM stops the recording, prints the final state
 * ("stopped") and exits.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TimelineEvent } from '../../../shared/timeline';
import { createBackend } from '../../app/createBackend';
import { builtWorkerPath } from '../../testing/builtWorker';
import { inProcessApi } from '../../kernel/inProcessApi';

async function main(): Promise<void> {
  const [port, file] = process.argv.slice(2);
  const print = (event: string, payload: unknown): void => void process.stdout.write(`${JSON.stringify({ event, payload })}\n`);
  const stop = new Promise<void>((r) => process.once('SIGTERM', r));
  const backend = await createBackend({ mode: 'web', dataDir: mkdtempSync(join(tmpdir(), 'gs-recx-')), workerPath: builtWorkerPath() });
  const api = inProcessApi(backend);
  api.on('timelineEvent', (e: TimelineEvent) => print('timeline', e));
  await api.startStream({ port: Number(port), label: 'lab stream' });
  await api.startBrowse({});
  const recording = await api.startRecording({ file: file!, name: 'extras lab' });
  const dns = process.env.GS_DNS_SERVER;
  if (dns) await api.startDnsWatch({ servers: [dns], name: 'gdl90.lab.test', type: 'A', intervalSec: 1, timeoutMs: 500 });
  print('recording', recording);
  await stop;
  print('stopped', await api.stopRecording());
  await backend.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`runRecordExtras: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
