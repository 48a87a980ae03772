/**
 * `gapscope listen --port P --record FILE --json` for the lab test until index.ts wires --record:
 * the same runListen, the built receiver worker, a throwaway data folder. Run through jiti:
 * node node_modules/jiti/lib/jiti-cli.mjs electron/session/testing/runListenRecord.ts PORT FILE [SECONDS]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiClient } from '../../../shared/rpc/client';
import { createDispatcher } from '../../../shared/rpc/dispatcher';
import { createBackend } from '../../app/createBackend';
import { runListen } from '../../cli/listen';
import { builtWorkerPath } from '../../testing/builtWorker';

async function main(): Promise<void> {
  const [port, file, seconds] = process.argv.slice(2);
  const backend = await createBackend({ mode: 'web', dataDir: mkdtempSync(join(tmpdir(), 'gs-rec-')), workerPath: builtWorkerPath() });
  const api = createApiClient({ call: createDispatcher(backend.service), onEvent: (l) => backend.onEvent(l) });
  const stop = new Promise<void>((r) => {
    process.once('SIGINT', r);
    process.once('SIGTERM', r);
  });
  const err = (l: string): void => void process.stderr.write(`${l}\n`);
  const { report } = await runListen(api, { port: Number(port), bin: 100, decode: 'auto', json: true, record: file, duration: seconds ? Number(seconds) : undefined }, { out: err, err, liveToErr: false }, stop);
  process.stdout.write(`${JSON.stringify(report)}\n`);
  await backend.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`runListenRecord: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
