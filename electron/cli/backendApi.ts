/** How a command reaches the back end: a GapscopeApi through the same door (dispatcher) as a window, over a back end of its own. */
import type { Command } from 'commander';
import type { GapscopeApi } from '../../shared/contract';
import type { Backend } from '../kernel/backend';

/** Runs one command's work against the back end, which is closed afterwards; tests pass one over a single feature. */
export type WithApi = <T>(run: (api: GapscopeApi) => Promise<T>) => Promise<T>;

/** Runs `run` against a back end in this process, in the data folder of --data-dir; only serve watches the network (its timeline needs it) and attaches the saved agents. */
export async function withBackend<T>(program: Command, run: (backend: Backend) => Promise<T>, watchNetwork = false, reachAgents = false): Promise<T> {
  // Loaded when a command needs the back end, not at start-up: `--version`, `--help` and usage
  // errors do not pay for every service (and zod's schemas) being loaded.
  const [{ createBackend }, { defaultDataDir }] = await Promise.all([import('../app/createBackend'), import('../settings/settingsStore')]);
  const dataDir = program.opts<{ dataDir?: string }>().dataDir ?? defaultDataDir();
  const backend = await createBackend({ mode: 'web', dataDir, watchNetwork, reachAgents });
  try {
    return await run(backend);
  } finally {
    await backend.close();
  }
}

/** The real CLI's WithApi: a fresh back end for each command. */
export function backendApi(program: Command): WithApi {
  return (run) => withBackend(program, async (backend) => run((await import('../kernel/inProcessApi')).inProcessApi(backend)));
}
