/**
 * For the read-only folder lab test, run through jiti inside a namespace the test makes:
 * node node_modules/jiti/lib/jiti-cli.mjs electron/sessions/testing/runFolderCase.ts MODE DIR
 * The whole back end (createBackend, the built receiver worker), data folder DIR/data, sessions
 * folder DIR/lib, datagrams over loopback. Prints one JSON line: what each call answered.
 * - prepare: records one session of 30 datagrams.
 * - permission (run as a user other than root): records, makes the session's folder read-only
 *   (chmod 555) mid-recording, sends more, waits until the recording ends by itself, then tries
 *   every later call on the session.
 * - readonly (DIR/lib mounted read-only): lists, opens, edits, deletes, records and saves captures.
 */
import { createSocket } from 'node:dgram';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import type { GapscopeApi } from '../../../shared/contract';
import { createBackend } from '../../app/createBackend';
import { inProcessApi } from '../../kernel/inProcessApi';
import { builtWorkerPath, freeUdpPort } from '../../testing/builtWorker';
import { fingerprint, until } from './libraryHarness';

type Answer = { ok: unknown } | { error: string; code: string };

/** What a call answered: its value, or its error's sentence and code. */
async function answer(call: Promise<unknown>): Promise<Answer> {
  try {
    return { ok: await call };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e), code: (e as { code?: string }).code ?? '' };
  }
}

async function stream(api: GapscopeApi): Promise<{ id: string; send(n: number): void; close(): void }> {
  const port = await freeUdpPort();
  const info = await api.startStream({ port, address: '127.0.0.1' });
  const s = createSocket('udp4');
  return {
    id: info.id,
    send: (n) => {
      for (let i = 0; i < n; i++) s.send(Buffer.alloc(100, i), port, '127.0.0.1');
    },
    close: () => s.close(),
  };
}

/** The packets of each stream a session opens as. */
async function opened(api: GapscopeApi, id: string): Promise<Answer> {
  const a = await answer(api.openSession(id));
  if (!('ok' in a)) return a;
  const infos = a.ok as { id: string }[];
  return { ok: await Promise.all(infos.map(async (i) => (await api.getStreamState(i.id)).snapshot.totals.packets)) };
}

async function main(): Promise<void> {
  const [mode, dir] = process.argv.slice(2) as [string, string];
  const lib = join(dir, 'lib');
  const backend = await createBackend({ mode: 'web', dataDir: join(dir, 'data'), workerPath: builtWorkerPath() });
  const api = inProcessApi(backend);
  const out: Record<string, unknown> = { uid: process.getuid?.() };
  try {
    if (mode === 'prepare') {
      await api.setSessionFolder(lib);
      const s = await stream(api);
      const started = await api.startRecording({ name: 'kept' });
      s.send(30);
      await until(async () => (await api.getRecordingState()).streams[0]?.packets === 30);
      out.stopped = await api.stopRecording();
      out.id = started.sessionId;
      s.close();
    } else if (mode === 'permission') {
      await api.setSessionFolder(lib);
      const s = await stream(api);
      const id = (await api.startRecording({ name: 'turns read-only' })).sessionId!;
      out.id = id;
      s.send(50);
      await until(async () => (await api.getRecordingState()).streams[0]?.packets === 50);
      chmodSync(join(lib, id), 0o555);
      s.send(50);
      const state = await until(async () => {
        const st = await api.getRecordingState();
        return !st.recording && st.ended ? st : null;
      });
      out.state = state;
      out.streamPackets = (await api.getStreamState(s.id)).snapshot.totals.packets;
      out.before = fingerprint(join(lib, id));
      out.list = await answer(api.listSessions());
      out.get = await answer(api.getSession(id));
      out.open = await opened(api, id);
      out.rename = await answer(api.renameSession(id, 'renamed'));
      out.annotate = await answer(api.annotateSession(id, 'notes'));
      out.delete = await answer(api.deleteSession(id));
      out.after = fingerprint(join(lib, id));
      s.close();
    } else if (mode === 'readonly') {
      const [kept, cut] = process.argv.slice(4) as [string, string];
      out.list = await answer(api.listSessions());
      out.openKept = await opened(api, kept);
      out.openCut = await opened(api, cut);
      out.rename = await answer(api.renameSession(kept, 'renamed'));
      out.annotate = await answer(api.annotateSession(cut, 'notes'));
      out.deleteKept = await answer(api.deleteSession(kept));
      out.deleteCut = await answer(api.deleteSession(cut));
      const s = await stream(api);
      out.record = await answer(api.startRecording());
      out.recording = await api.getRecordingState();
      out.saveWhole = await answer(api.saveSessionCapture(kept, null, join(dir, 'out', 'whole.pcapng')));
      out.saveCut = await answer(api.saveSessionCapture(cut, null, join(dir, 'out', 'cut.pcapng')));
      out.listAgain = await answer(api.listSessions());
      s.close();
    } else throw new Error(`unknown mode ${mode}`);
  } finally {
    await backend.close();
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`runFolderCase: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
