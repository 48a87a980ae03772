// A read-only folder (#12), for real: the whole back end (testing/runFolderCase.ts) in a network
// namespace of its own (only loopback, made by unshare -n, gone with the process):
// - a session's folder that turns read-only while it records (chmod 555, with the back end running
//   as nobody, since root writes anyway): the recording ends failed with a sentence, its count is
//   what the capture holds (tshark counts it), no temporary file is left, and every later call
//   gives one sentence and changes nothing;
// - a sessions folder on a read-only file system (a read-only bind mount in a private mount
//   namespace), holding a complete session and one a killed recorder left with a torn capture: both
//   are listed (the torn one interrupted, counted without trimming) and open, edits, deletes and
//   Record each give one sentence, captures can still be saved elsewhere, and not a byte changes.
// Needs root, util-linux (unshare, setpriv), tshark and `npx electron-vite build` (the receiver worker).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_DIR } from '../../lab/streams';
import type { RecordingState, SessionRecord, SessionSummary } from '../../shared/contract/sessions';

const JITI = join(REPO_DIR, 'node_modules', 'jiti', 'lib', 'jiti-cli.mjs');
const RUNNER = join(REPO_DIR, 'electron', 'sessions', 'testing', 'runFolderCase.ts');
const NOBODY = 65534;
const work = mkdtempSync(join(tmpdir(), 'gs-rofolder-'));
chmodSync(work, 0o755); // nobody reaches its folder inside
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * How long one run of the runner (TypeScript through jiti, in its own namespaces) may take: it took
 * more than 90 s at a load average of 25 on 2 cores while doing nothing wrong. The limit is for a hang.
 */
const RUNNER_LIMIT_MS = 240_000;

/** Runs the runner in a namespace with only loopback; `setup` runs first as root, `asNobody` drops to nobody. */
function run(mode: string, dir: string, opts: { setup?: string[]; asNobody?: boolean; args?: string[] } = {}): Record<string, unknown> {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const node = [process.execPath, JITI, RUNNER, mode, dir, ...(opts.args ?? [])].map(q).join(' ');
  const drop = opts.asNobody ? `setpriv --reuid=${NOBODY} --regid=${NOBODY} --clear-groups ` : '';
  const script = ['set -e', 'ip link set lo up', ...(opts.setup ?? []), `exec ${drop}env HOME=${q(dir)} ${node}`].join('\n');
  const r = spawnSync('unshare', ['-n', '-m', '--propagation', 'private', 'sh', '-c', script], { cwd: REPO_DIR, encoding: 'utf8', timeout: RUNNER_LIMIT_MS });
  expect(r.error, `${mode}: the runner did not end within ${RUNNER_LIMIT_MS / 1000} s`).toBeUndefined();
  expect(r.status, `${mode}: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

/** Every file under a folder with the hash of its bytes. */
function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, name);
    out[name] = statSync(p).isDirectory() ? 'folder' : createHash('sha256').update(readFileSync(p)).digest('hex');
  }
  return out;
}

/** tshark's count of the datagrams to the stream's port; a torn file is read up to the tear (tshark then says it was cut short). */
function tsharkPackets(file: string, torn = false): number {
  const r = spawnSync('tshark', ['-r', file, '-Y', 'frame.interface_id == 0', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
  if (torn) expect(r.stderr).toMatch(/cut short/);
  else expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim() === '' ? 0 : r.stdout.trim().split('\n').length;
}

function errorOf(a: unknown): string {
  expect(a, 'the call was refused').toHaveProperty('error');
  return (a as { error: string }).error;
}

describe('a read-only folder', () => {
  it('a session folder turning read-only mid-recording: failed with the reason, counted as the capture holds, nothing else touched', { timeout: RUNNER_LIMIT_MS + 60_000 }, () => {
    const dir = join(work, 'perm');
    for (const d of [dir, join(dir, 'lib'), join(dir, 'data')]) {
      mkdirSync(d, { recursive: true });
      chownSync(d, NOBODY, NOBODY);
    }
    const r = run('permission', dir, { asNobody: true });
    expect(r.uid).toBe(NOBODY);
    const id = r.id as string;
    const sessionDir = join(dir, 'lib', id);
    const sidecar = join(sessionDir, 'session.json');
    const state = r.state as RecordingState;
    const sentence = `Recording stopped: no permission to write ${sidecar}. Choose another sessions folder.`;
    expect(state.error).toEqual({ code: 'permission-denied', message: sentence });
    expect(state.ended?.status).toBe('failed');
    // The capture took every datagram (its file stays writable); the count is the file's.
    const inFile = tsharkPackets(join(sessionDir, 'capture.pcapng'));
    expect(r.streamPackets).toBe(100);
    expect(inFile).toBe(100);
    expect(state.ended!.streams.map((s) => s.packets)).toEqual([inFile]);
    // session.json: written in place over the last saved record, failed, with the reason and the count.
    const record = JSON.parse(readFileSync(sidecar, 'utf8')) as SessionRecord;
    expect(record.status).toBe('failed');
    expect(record.error?.message).toBe(sentence);
    expect(record.streams.map((s) => s.packets)).toEqual([inFile]);
    expect(readdirSync(sessionDir).sort()).toEqual(['.gapscope-session', 'capture.pcapng', 'session.json']); // no .tmp
    const listed = (r.list as { ok: SessionSummary[] }).ok;
    expect(listed.map((s) => [s.id, s.status, s.packets, s.error?.message])).toEqual([[id, 'failed', inFile, sentence]]);
    expect((r.get as { ok: SessionRecord }).ok.status).toBe('failed');
    expect((r.open as { ok: number[] }).ok).toEqual([inFile]);
    // Every later change: one sentence, and not a byte changed.
    expect(errorOf(r.rename)).toBe(`Cannot rename the session: no permission to write ${sidecar}.`);
    expect(errorOf(r.annotate)).toBe(`Cannot save the session's notes: no permission to write ${sidecar}.`);
    expect(errorOf(r.delete)).toMatch(new RegExp(`^Cannot delete the session: no permission to write ${sessionDir}[^ ]*\\.$`));
    expect(r.after).toEqual(r.before);
    chmodSync(sessionDir, 0o755);
  });

  it('a sessions folder on a read-only file system: listed, opened and saved elsewhere; every change refused with one sentence; not a byte changed', { timeout: RUNNER_LIMIT_MS + 60_000 }, () => {
    const dir = join(work, 'rofs');
    mkdirSync(join(dir, 'out'), { recursive: true });
    const kept = run('prepare', dir).id as string;
    const lib = join(dir, 'lib');
    // A copy left "recording" by a recorder that was killed, its capture torn mid-block.
    const cut = `${kept}-cut`;
    cpSync(join(lib, kept), join(lib, cut), { recursive: true });
    const record = JSON.parse(readFileSync(join(lib, cut, 'session.json'), 'utf8')) as SessionRecord;
    const deadPid = spawnSync('true').pid;
    writeFileSync(join(lib, cut, '.gapscope-session'), JSON.stringify({ format: 'gapscope-session-folder', id: cut }));
    writeFileSync(join(lib, cut, 'session.json'), JSON.stringify({ ...record, id: cut, name: 'cut', status: 'recording', ended: null, error: null, owner: { pid: deadPid, host: hostname() } }));
    const capture = join(lib, cut, 'capture.pcapng');
    // Past the summary section and into the last packets: 30 datagrams of 100 bytes are 4,320 bytes of blocks.
    truncateSync(capture, statSync(capture).size - 1500);
    const cutInFile = tsharkPackets(capture, true);
    expect(cutInFile).toBeGreaterThan(0);
    expect(cutInFile).toBeLessThan(30);
    const before = fingerprint(lib);

    const r = run('readonly', dir, { setup: [`mount --bind '${lib}' '${lib}'`, `mount -o remount,bind,ro '${lib}'`], args: [kept, cut] });
    const list = (r.list as { ok: SessionSummary[] }).ok;
    const byId = new Map(list.map((s) => [s.id, s]));
    expect(byId.get(kept)).toMatchObject({ status: 'complete', packets: 30 });
    expect(byId.get(cut)).toMatchObject({ status: 'interrupted', packets: cutInFile });
    expect(byId.get(cut)!.error?.message).toMatch(/cut short/);
    expect((r.openKept as { ok: number[] }).ok).toEqual([30]);
    expect((r.openCut as { ok: number[] }).ok).toEqual([cutInFile]);
    const ro = '(read-only file system)';
    expect(errorOf(r.rename)).toBe(`Cannot rename the session: no permission to write ${join(lib, kept, 'session.json')} ${ro}.`);
    expect(errorOf(r.annotate)).toBe(`Cannot save the session's notes: no permission to write ${join(lib, cut, 'session.json')} ${ro}.`);
    expect(errorOf(r.deleteKept)).toMatch(/^Cannot delete the session: no permission to write .* \(read-only file system\)\.$/);
    expect(errorOf(r.deleteCut)).toMatch(/^Cannot delete the session: no permission to write .* \(read-only file system\)\.$/);
    expect(errorOf(r.record)).toBe(`Cannot write to ${lib}: permission denied ${ro}.`);
    expect((r.recording as RecordingState).recording).toBe(false);
    // Saving a capture elsewhere works: tshark reads both.
    expect(r.saveWhole).toHaveProperty('ok');
    expect(tsharkPackets(join(dir, 'out', 'whole.pcapng'))).toBe(30);
    expect(r.saveCut, JSON.stringify(r.saveCut)).toHaveProperty('ok');
    expect(tsharkPackets(join(dir, 'out', 'cut.pcapng'))).toBe(cutInFile);
    expect(((r.listAgain as { ok: SessionSummary[] }).ok).map((s) => [s.id, s.status]).sort()).toEqual([[cut, 'interrupted'], [kept, 'complete']].sort());
    // Not a byte changed on the read-only disk: the torn capture was counted, not trimmed.
    expect(fingerprint(lib)).toEqual(before);
  });
});
