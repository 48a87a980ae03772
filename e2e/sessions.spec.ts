/**
 * Sessions end to end: with a stream running in the lab, ● Record records it; after the stop the
 * Sessions tab lists the session with the packets and the gaps the Reception view counted; it is
 * renamed and annotated (both survive a reload), opened (Reception shows it as a stopped stream
 * with the same numbers and the chart), downloaded whole and as a time range (pcapng that tshark
 * and capinfos count as the session says, the stream's packets apart from the mDNS beside them),
 * and deleted after confirmation. A copy left "recording" by a dead process with a torn
 * capture is listed as interrupted and opens. The spec uses its own sessions folder, so other
 * specs do not matter.
 */
import { expect, test, type Download, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { labInfo, readLabState, startServer } from './helpers/lab';
import { removeAllStreams } from './helpers/streams';
import { startSender, type LabProcess } from './helpers/processes';

const lab = labInfo();

function url(): string {
  const state = readLabState(lab);
  if (!state?.url) throw new Error('the lab has no Gapscope server (global setup failed?)');
  return state.url;
}

async function numberOf(page: Page, testId: string, attr = 'data-value'): Promise<number> {
  return Number((await page.getByTestId(testId).first().getAttribute(attr)) ?? NaN);
}


/** The packets of a file that match a tshark display filter (it fails the test if tshark cannot read it). */
function tsharkPackets(file: string, filter: string): number {
  const r = spawnSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim() === '' ? 0 : r.stdout.trim().split('\n').length;
}

/** Every packet of a file, as capinfos counts them. */
function capinfosPackets(file: string): number {
  const r = spawnSync('capinfos', ['-c', '-M', '-T', '-r', file], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return Number(r.stdout.trim().split('\t')[1]);
}

/** What session.json says the capture holds: each stream's packets on its interface, and the extras. */
interface SavedCounts {
  streams: { interfaceId: number; packets: number }[];
  extras?: { mdnsPackets: number; dnsPackets?: number; events: number };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Saves a download and checks it is a pcapng (the Section Header Block's magic first). */
async function pcapngOf(download: Download): Promise<{ file: string; bytes: Buffer }> {
  expect(await download.failure()).toBeNull();
  const file = await download.path();
  const bytes = readFileSync(file);
  expect(bytes.length).toBeGreaterThan(28);
  expect(bytes.readUInt32BE(0)).toBe(0x0a0d0d0a);
  return { file, bytes };
}

const stopLater: LabProcess<unknown>[] = [];
test.afterEach(async ({ page }) => {
  for (const p of stopLater.splice(0)) await p.stop();
  await removeAllStreams(page);
});

test('record a lab stream, find it in Sessions, rename, annotate, open, download and delete it', async ({ page }) => {
  test.setTimeout(240_000); // several engineers share two cores: starting the sender alone can take seconds
  const port = 5710;
  await page.goto(url());
  await expect(page.getByTestId('app-info')).toContainText('web');

  // A folder of its own, set through the folder setting.
  await page.getByTestId('tab-sessions').click();
  const folder = join(lab.dir, `sessions-e2e-${Date.now()}`);
  await page.getByTestId('session-folder-input').fill(folder);
  await page.getByTestId('session-folder-save').click();
  await expect(page.getByTestId('session-folder-save')).toBeDisabled(); // saved: the field shows the folder in use
  await expect(page.getByTestId('sessions-empty')).toBeVisible();
  await expect(page.getByTestId('session-action-error')).toHaveCount(0);

  // Nothing runs: Record explains instead of recording.
  await page.getByTestId('record-button').click();
  await expect(page.getByTestId('record-error')).toContainText('No stream is running');
  await expect(page.getByTestId('record-button')).toHaveAttribute('data-recording', 'false');

  // Bonjour browses while recording (as it does after the Bonjour spec in a full run): the capture
  // then holds the browser's mDNS beside the stream, on interfaces of their own.
  await page.getByTestId('tab-bonjour').click();
  await expect(page.getByTestId('bonjour-status')).toHaveAttribute('data-browsing', 'true');
  await page.getByTestId('tab-reception').click();
  await page.getByTestId('port-input').fill(String(port));
  await page.getByTestId('address-input').fill(lab.insAddr);
  await page.getByTestId('gap-manual').check();
  await page.getByTestId('gap-input').fill('300');
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('stream-status')).toHaveText('listening');
  await expect(page.getByTestId('follow-toggle')).toHaveCount(1); // a live stream has its ● Live button
  const streamsBefore = await page.getByTestId('stream-item').count();

  await page.getByTestId('record-button').click();
  await expect(page.getByTestId('record-button')).toHaveAttribute('data-recording', 'true');
  await expect(page.getByTestId('record-error')).toHaveCount(0);
  const sender = startSender(lab, { port, rate: 400, size: 300, seconds: 4, pauseAt: [1.5], pauseFor: 1 });
  stopLater.push(sender);
  // The header counts what is recorded while it happens.
  await expect.poll(() => numberOf(page, 'record-progress', 'data-packets'), { timeout: 30_000 }).toBeGreaterThan(100);
  const sent = await sender.done;
  // Every datagram sent is recorded and counted (the lab's veth loses none at 400/s), so nothing is
  // still on its way when Record stops.
  await expect.poll(() => numberOf(page, 'record-progress', 'data-packets'), { timeout: 15_000 }).toBe(sent.sent);
  await expect.poll(() => numberOf(page, 'stat-packets'), { timeout: 15_000 }).toBe(sent.sent);
  const packets = sent.sent;
  // The 1 s pause is a gap; on a loaded machine the sender may stall past 300 ms once more.
  const gaps = await numberOf(page, 'stat-gaps');
  expect(gaps).toBeGreaterThanOrEqual(1);
  await page.getByTestId('record-button').click();
  await expect(page.getByTestId('record-button')).toHaveAttribute('data-recording', 'false', { timeout: 30_000 });
  await expect(page.getByTestId('record-error')).toHaveCount(0);

  // The library lists it with the packets and the gaps Reception counted.
  await page.getByTestId('tab-sessions').click();
  const row = page.getByTestId('session-row');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-status', 'complete');
  await expect(row).toHaveAttribute('data-packets', String(packets));
  await expect(row).toHaveAttribute('data-gaps', String(gaps));
  await expect(row).toContainText(`${lab.insAddr}:${port}`);

  await row.getByTestId('session-rename').click();
  await page.getByTestId('session-name-input').fill('Bench 2, 1 s pause');
  await page.getByTestId('session-name-save').click();
  await expect(row.getByTestId('session-name')).toHaveText('Bench 2, 1 s pause');
  await row.getByTestId('session-annotate').click();
  await page.getByTestId('session-notes-input').fill('bug #77: pause at 1.5 s');
  await page.getByTestId('session-notes-save').click();
  await expect(row.getByTestId('session-notes')).toHaveText('bug #77: pause at 1.5 s');

  // Name and notes are on disk: a fresh page reads them back from the back end.
  await page.reload();
  await page.getByTestId('tab-sessions').click();
  await expect(row.getByTestId('session-name')).toHaveText('Bench 2, 1 s pause');
  await expect(row.getByTestId('session-notes')).toHaveText('bug #77: pause at 1.5 s');

  // Downloads: the whole capture, then the second half (after the pause), both pcapng that tshark reads.
  await row.getByTestId('session-download').click();
  const [whole] = await Promise.all([page.waitForEvent('download'), page.getByTestId('session-download-whole').click()]);
  expect(whole.suggestedFilename()).toMatch(/^gapscope-.+\.pcapng$/);
  const wholeFile = await pcapngOf(whole);
  await page.getByTestId('session-range-from').fill('9');
  await page.getByTestId('session-range-to').fill('2');
  await expect(page.getByTestId('session-range-error')).toHaveText('From must not be after To.');
  await page.getByTestId('session-range-from').fill('2.6');
  await page.getByTestId('session-range-to').fill('60');
  const [range] = await Promise.all([page.waitForEvent('download'), page.getByTestId('session-download-range').click()]);
  expect(range.suggestedFilename()).toMatch(/^gapscope-.+-2\.6s-60s\.pcapng$/);
  const rangeFile = await pcapngOf(range);
  expect(rangeFile.bytes.length).toBeLessThan(wholeFile.bytes.length);
  // tshark and capinfos (test dependencies: missing is a failure) read both. The capture holds the
  // stream's packets on its interface, exactly as many as the session says, and beside them the
  // mDNS the Bonjour browser took and the timeline's events, as many as session.json counts.
  const saved = JSON.parse(readFileSync(join(folder, (await row.getAttribute('data-id'))!, 'session.json'), 'utf8')) as SavedCounts;
  expect(saved.streams.map((s) => s.packets)).toEqual([packets]);
  const iface = saved.streams[0]!.interfaceId;
  expect(tsharkPackets(wholeFile.file, `frame.interface_id == ${iface}`)).toBe(packets);
  expect(tsharkPackets(wholeFile.file, `frame.interface_id == ${iface} && udp.dstport == ${port}`)).toBe(packets);
  const extras = saved.extras!;
  expect(tsharkPackets(wholeFile.file, 'udp.port == 5353')).toBe(extras.mdnsPackets);
  expect(capinfosPackets(wholeFile.file)).toBe(packets + extras.mdnsPackets + (extras.dnsPackets ?? 0) + extras.events);
  // The sender pauses 1 s at 1.5 s: after 2.6 s come the last ~1.5 s of the 4 s at 400 packets/s.
  const later = tsharkPackets(rangeFile.file, `udp.dstport == ${port}`);
  expect(later).toBeGreaterThan(200);
  expect(later).toBeLessThan(packets - 400);

  // Opening shows it in Reception as a stopped stream, with the same numbers, the gap and the chart.
  await row.getByTestId('session-open').click();
  await expect(page.getByTestId('tab-reception')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('stream-item')).toHaveCount(streamsBefore + 1);
  await expect(page.locator('[data-testid="stream-item"][aria-selected="true"]')).toContainText('Bench 2, 1 s pause');
  await expect(page.getByTestId('stream-status')).toHaveText('stopped');
  await expect.poll(() => numberOf(page, 'stat-packets')).toBe(packets);
  await expect(page.getByTestId('gap-row')).toHaveCount(gaps);
  const chart = page.getByTestId('throughput-chart');
  await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBeGreaterThan(10);
  await expect(chart).toHaveAttribute('data-series', /throughput/);
  await expect(page.getByTestId('follow-toggle')).toHaveCount(0); // nothing live to follow in a recording
  // Forget the opened copy and the live stream.
  await page.getByTestId('remove-button').click();
  await expect(page.getByTestId('stream-item')).toHaveCount(streamsBefore);
  await page.locator('[data-testid="stream-item"]', { hasText: String(port) }).click();
  await page.getByTestId('remove-button').click();
  await expect(page.getByTestId('stream-item')).toHaveCount(streamsBefore - 1);

  // A recording whose app was killed: a copy of the session left "recording" by a dead process,
  // its capture torn mid-block. Listed again, it is interrupted (the file trimmed and recounted) and opens.
  await page.getByTestId('tab-sessions').click();
  const id = (await row.getAttribute('data-id'))!;
  const killedId = `${id}-killed`;
  cpSync(join(folder, id), join(folder, killedId), { recursive: true });
  const record = JSON.parse(readFileSync(join(folder, killedId, 'session.json'), 'utf8')) as Record<string, unknown>;
  const deadPid = spawnSync('true').pid; // exited: no process has this id now
  writeFileSync(join(folder, killedId, '.gapscope-session'), JSON.stringify({ format: 'gapscope-session-folder', id: killedId })); // as its recorder made it
  writeFileSync(join(folder, killedId, 'session.json'), JSON.stringify({ ...record, id: killedId, name: 'Killed mid-recording', notes: '', status: 'recording', ended: null, error: null, owner: { pid: deadPid, host: hostname() } }));
  const capture = join(folder, killedId, 'capture.pcapng');
  truncateSync(capture, statSync(capture).size - 100);
  await page.reload();
  await page.getByTestId('tab-sessions').click();
  const killed = page.locator('[data-testid="session-row"]', { hasText: 'Killed mid-recording' });
  await expect(killed).toHaveAttribute('data-status', 'interrupted');
  await expect(killed.getByTestId('session-status')).toHaveText('interrupted');
  await expect(killed.getByTestId('session-status-reason')).toContainText('cut short');
  const killedPackets = Number(await killed.getAttribute('data-packets'));
  expect(killedPackets).toBeGreaterThan(packets - 50);
  expect(killedPackets).toBeLessThanOrEqual(packets);
  expect(tsharkPackets(capture, `udp.dstport == ${port}`)).toBe(killedPackets); // trimmed to whole blocks: tshark reads it all
  await killed.getByTestId('session-open').click();
  await expect(page.getByTestId('tab-reception')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('[data-testid="stream-item"][aria-selected="true"]')).toContainText('Killed mid-recording');
  await expect(page.getByTestId('stream-status')).toHaveText('stopped');
  await page.getByTestId('remove-button').click();

  // Deleting asks first; "Keep" keeps it, "Delete" removes it.
  await page.getByTestId('tab-sessions').click();
  await killed.getByTestId('session-delete').click();
  await killed.getByTestId('session-delete-confirm').click();
  await expect(killed).toHaveCount(0);
  await expect(row).toHaveCount(1);
  await row.getByTestId('session-delete').click();
  await row.getByTestId('session-delete-cancel').click();
  await expect(row).toHaveCount(1);
  await row.getByTestId('session-delete').click();
  await row.getByTestId('session-delete-confirm').click();
  await expect(page.getByTestId('sessions-empty')).toBeVisible();
  expect(existsSync(join(folder, id))).toBe(false);
  await page.reload();
  await page.getByTestId('tab-sessions').click();
  await expect(page.getByTestId('sessions-empty')).toBeVisible();
});

test('a recording whose back end was killed (SIGKILL) opens after a restart with what its capture holds, not its last snapshot', async ({ page }) => {
  test.setTimeout(240_000);
  const port = 5712;
  await page.goto(url());
  await page.getByTestId('tab-sessions').click();
  const folder = join(lab.dir, `sessions-killed-e2e-${Date.now()}`);
  await page.getByTestId('session-folder-input').fill(folder);
  await page.getByTestId('session-folder-save').click();
  await expect(page.getByTestId('session-folder-save')).toBeDisabled();

  await page.getByTestId('tab-reception').click();
  await page.getByTestId('port-input').fill(String(port));
  await page.getByTestId('address-input').fill(lab.insAddr);
  await page.getByTestId('start-button').click();
  await expect(page.getByTestId('stream-status')).toHaveText('listening');
  // Before Record: the live stream counts these, the session must not.
  const before = await startSender(lab, { port, rate: 300, size: 200, seconds: 2 }).done;
  await expect.poll(() => numberOf(page, 'stat-packets'), { timeout: 15_000 }).toBe(before.sent);

  await page.getByTestId('record-button').click();
  await expect(page.getByTestId('record-button')).toHaveAttribute('data-recording', 'true');
  const [id] = readdirSync(folder).filter((n) => statSync(join(folder, n)).isDirectory());
  expect(id).toBeDefined();
  const during = await startSender(lab, { port, rate: 300, size: 200, seconds: 1 }).done;
  expect(during.sent).toBeLessThan(before.sent);
  // Every datagram of the recording is on disk (the worker counts what its writes completed).
  await expect.poll(() => numberOf(page, 'record-progress', 'data-packets'), { timeout: 15_000 }).toBe(during.sent);

  // The back end dies mid-recording, without a chance to finish anything.
  const pid = readLabState(lab)!.serverPid!;
  let restarted = false;
  try {
    process.kill(pid, 'SIGKILL');
    await expect.poll(() => alive(pid), { timeout: 15_000 }).toBe(false);
    // What it left: session.json still "recording", its last snapshot counting the whole live
    // stream (the packets before Record too), so a count from it could not be the capture's.
    const left = JSON.parse(readFileSync(join(folder, id!, 'session.json'), 'utf8')) as { status: string; streams: { snapshot: { totals: { packets: number } } | null }[] };
    expect(left.status).toBe('recording');
    expect(left.streams[0]!.snapshot!.totals.packets).toBeGreaterThanOrEqual(before.sent);
    await startServer(lab);
    restarted = true;
  } finally {
    if (!restarted) await startServer(lab); // the next specs need a back end
  }

  await page.goto(url());
  await page.getByTestId('tab-sessions').click();
  const row = page.locator(`[data-testid="session-row"][data-id="${id}"]`);
  await expect(row).toHaveAttribute('data-status', 'interrupted');
  await expect(row.getByTestId('session-status-reason')).toContainText('cut short');
  await expect(row).toHaveAttribute('data-packets', String(during.sent));
  // Recounted from the capture (trimmed to whole blocks by the listing): tshark and capinfos agree.
  const capture = join(folder, id!, 'capture.pcapng');
  expect(tsharkPackets(capture, `udp.dstport == ${port}`)).toBe(during.sent);
  const saved = JSON.parse(readFileSync(join(folder, id!, 'session.json'), 'utf8')) as SavedCounts;
  expect(saved.streams.map((s) => s.packets)).toEqual([during.sent]);
  const extras = saved.extras!;
  expect(capinfosPackets(capture)).toBe(during.sent + extras.mdnsPackets + (extras.dnsPackets ?? 0) + extras.events);

  // Opened, it holds the capture's packets: not the snapshot's, not the live stream's before Record.
  await row.getByTestId('session-open').click();
  await expect(page.getByTestId('tab-reception')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('stream-status')).toHaveText('stopped');
  await expect.poll(() => numberOf(page, 'stat-packets')).toBe(during.sent);
  await expect(page.getByTestId('follow-toggle')).toHaveCount(0);
  await page.getByTestId('remove-button').click();

  await page.getByTestId('tab-sessions').click();
  await row.getByTestId('session-delete').click();
  await row.getByTestId('session-delete-confirm').click();
  await expect(row).toHaveCount(0);
  expect(existsSync(join(folder, id!))).toBe(false);
});
