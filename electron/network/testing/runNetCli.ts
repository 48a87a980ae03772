/**
 * Runs `gapscope net …` from the TypeScript sources through jiti (no build needed), for lab tests
 * that must run the commands inside a namespace before electron/cli/index.ts wires them:
 * `node node_modules/jiti/lib/jiti-cli.mjs electron/network/testing/runNetCli.ts net connect 10.0.0.1:9 --json`.
 */
import { Command, CommanderError } from 'commander';
import { GapscopeError } from '../../../shared/errors';
import { registerNetCommands } from '../../cli/net';

async function main(): Promise<void> {
  const program = new Command('gapscope');
  registerNetCommands(program);
  const override = (c: Command): void => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  override(program);
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? 0 : 2;
    else if (e instanceof GapscopeError) {
      process.stderr.write(`gapscope: ${e.message}\n`);
      process.exitCode = e.code === 'invalid-argument' ? 2 : 1;
    } else {
      process.stderr.write(`gapscope: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    }
  }
}

void main();
