/** `gapscope sessions list|show|rename|annotate|delete|folder`: the session library from the terminal. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { SessionSummary } from '../../shared/contract/sessions';
import { GapscopeError } from '../../shared/errors';
import { formatBytes, formatDuration } from '../../shared/format';
import { backendApi, type WithApi } from './backendApi';
import { numberArg } from './options';

/** Where the commands write; injectable for tests. */
export interface SessionsCliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const stdio: SessionsCliIo = { out: (l) => void process.stdout.write(`${l}\n`), err: (l) => void process.stderr.write(`${l}\n`) };

/** One line per session, as `sessions list` prints it. */
function sessionLine(s: SessionSummary): string {
  const when = new Date(s.created).toLocaleString('sv-SE').slice(0, 16);
  const badge = s.status === 'complete' ? '' : `  [${s.status}]`;
  return `${s.id.padEnd(22)} ${when}  ${formatDuration(s.durationMs).padStart(8)}  ${String(s.packets).padStart(9)} pkts  ${String(s.gaps).padStart(5)} gaps  ${formatBytes(s.captureBytes).padStart(9)}  ${s.name}${badge}`;
}

/** Adds the `sessions` command group to the program. */
export function registerSessionCommands(program: Command, io: SessionsCliIo = stdio, withApi: WithApi = backendApi(program)): Command {

  const sessions = program.command('sessions').description('The library of recorded sessions: list, show, rename, annotate, delete, and where they are stored.');

  sessions
    .command('list')
    .description('List sessions, newest first (interrupted ones are marked).')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) =>
      withApi(async (api) => {
        const list = await api.listSessions();
        if (o.json) io.out(JSON.stringify(list, null, 2));
        else if (list.length === 0) io.out(`No sessions in ${await api.getSessionFolder()}.`);
        else for (const s of list) io.out(sessionLine(s));
      }),
    );

  sessions
    .command('show <id>')
    .description('Show a session: its streams, statistics, gaps and notes (--json: the whole session.json).')
    .option('--json', 'print JSON')
    .action((id: string, o: { json?: boolean }) =>
      withApi(async (api) => {
        const r = await api.getSession(id);
        if (o.json) return io.out(JSON.stringify(r, null, 2));
        const s = (await api.listSessions()).find((x) => x.id === id);
        io.out(`${r.name}  (${r.status})`);
        if (s) io.out(sessionLine(s));
        if (r.notes) io.out(`Notes: ${r.notes}`);
        if (r.error) io.out(`Note: ${r.error.message}`);
        for (const st of r.streams) {
          const t = st.snapshot?.totals;
          io.out(`  stream ${st.interfaceId}: port ${st.config.port}${st.config.address ? ` ${st.config.address}` : ''} (${st.info.kind}); ${st.packets} packets in the capture${st.notRecorded ? `, ${st.notRecorded} not recorded` : ''}${t ? `; ${t.gapCount} gaps` : ''}`);
        }
        const x = r.extras;
        if (x) {
          io.out(`  timeline (interface ${x.timelineInterfaceId}): ${x.events} events in the capture${x.eventsSeen > x.events ? ` of ${x.eventsSeen}` : ''}`);
          if (x.dnsInterfaceId !== null) io.out(`  DNS probes (interface ${x.dnsInterfaceId}): ${x.dnsPackets} datagrams`);
          for (const m of x.mdnsInterfaces) io.out(`  mDNS on ${m.iface} (interface ${m.interfaceId})`);
          if (x.mdnsInterfaces.length > 0) io.out(`  mDNS: ${x.mdnsPackets} datagrams in all`);
          if (x.notRecorded) io.out(`  ${x.notRecorded} datagrams and events not recorded (the disk fell behind)`);
        }
        for (const e of (r.events ?? []).slice(0, 50)) io.out(`  ${new Date(e.at).toISOString().slice(11, 23)}  ${e.source}: ${e.summary}`);
        if ((r.events?.length ?? 0) > 50) io.out(`  … ${(r.events?.length ?? 0) - 50} more events (--json lists them)`);
      }),
    );

  sessions
    .command('export <id>')
    .description('Save a session\u2019s capture, whole or the packets between --from and --to (seconds after its first packet), as pcapng.')
    .requiredOption('-o, --output <file.pcapng>', 'the file to write')
    .option('--from <seconds>', 'first instant (default 0)', numberArg)
    .option('--to <seconds>', 'last instant (default: the end)', numberArg)
    .option('--overwrite', 'replace the -o file if it exists (without it, an existing file is never replaced)')
    .option('--json', 'print {file, bytes, packets}')
    .action((id: string, o: { output: string; from?: number; to?: number; overwrite?: boolean; json?: boolean }) =>
      withApi(async (api) => {
        const range = o.from === undefined && o.to === undefined ? null : { ...(o.from !== undefined ? { fromS: o.from } : {}), ...(o.to !== undefined ? { toS: o.to } : {}) };
        const r = await api.saveSessionCapture(id, range, resolve(o.output), { overwrite: o.overwrite === true });
        io.out(o.json ? JSON.stringify(r) : `Saved ${r.packets === null ? 'the capture' : `${r.packets} packets`} (${formatBytes(r.bytes)}) to ${r.file}.`);
      }),
    );

  sessions
    .command('rename <id> <name>')
    .description('Give a session a name.')
    .option('--json', 'print the session as JSON')
    .action((id: string, name: string, o: { json?: boolean }) =>
      withApi(async (api) => {
        const s = await api.renameSession(id, name);
        io.out(o.json ? JSON.stringify(s) : `Renamed ${id} to "${s.name}".`);
      }),
    );

  sessions
    .command('annotate <id> <notes>')
    .description('Set a session\u2019s notes (what was tested, the bug number).')
    .option('--json', 'print the session as JSON')
    .action((id: string, notes: string, o: { json?: boolean }) =>
      withApi(async (api) => {
        const s = await api.annotateSession(id, notes);
        io.out(o.json ? JSON.stringify(s) : `Notes of ${id} saved.`);
      }),
    );

  sessions
    .command('delete <id>')
    .description('Delete a session\u2019s folder (capture and metadata); needs --yes.')
    .option('--yes', 'really delete')
    .option('--json', 'print {"deleted": id}')
    .action((id: string, o: { yes?: boolean; json?: boolean }) =>
      withApi(async (api) => {
        if (!o.yes) throw new GapscopeError('invalid-argument', `Deleting ${id} removes its capture; add --yes to confirm.`);
        await api.deleteSession(id);
        io.out(o.json ? JSON.stringify({ deleted: id }) : `Deleted ${id}.`);
      }),
    );

  sessions
    .command('folder [path]')
    .description('Print where sessions are stored, or set it (the folder is created and checked).')
    .option('--json', 'print {"folder": path}')
    .action((path: string | undefined, o: { json?: boolean }) =>
      withApi(async (api) => {
        const folder = path ? await api.setSessionFolder(resolve(path)) : await api.getSessionFolder();
        io.out(o.json ? JSON.stringify({ folder }) : folder);
      }),
    );

  return sessions;
}
