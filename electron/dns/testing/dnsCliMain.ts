/**
 * `gapscope dns …` as a process of its own, for lab tests that must run it inside a namespace
 * before electron/cli/index.ts wires the commands in: `node node_modules/jiti/lib/jiti-cli.mjs electron/dns/testing/dnsCliMain.ts dns probe …`.
 */
import { Command, CommanderError } from 'commander';
import { GapscopeError } from '../../../shared/errors';
import { registerDnsCommands } from '../../cli/dns';

const program = new Command('gapscope').exitOverride();
const dns = registerDnsCommands(program, { out: (l) => void process.stdout.write(`${l}\n`), err: (l) => void process.stderr.write(`${l}\n`) });
dns.exitOverride();
for (const c of dns.commands) c.exitOverride();
program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? 0 : 2;
  else {
    process.stderr.write(`gapscope: ${e instanceof GapscopeError ? e.message : String(e)}\n`);
    process.exitCode = e instanceof GapscopeError && e.code === 'invalid-argument' ? 2 : 1;
  }
});
