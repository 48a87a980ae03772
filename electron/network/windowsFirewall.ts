/**
 * Windows Defender Firewall for Gapscope: the inbound UDP rule the installer adds (build/installer.nsh
 * runs the same netsh command), the one-elevation command that adds it later, and the reading of
 * the rules and network profiles that decide whether a silent stream is the firewall's doing.
 */
import { isAbsolute, win32 } from 'node:path';
import { firewallCauses, parseConnectionProfiles, parseNetshRules, type FirewallFacts, type FirewallRule, type SilenceCause } from '../../shared/network/windowsFirewall';
import { runCommand, type CommandResult } from './runCommand';

/** The name of the rule Gapscope adds: its own, so that removing it never touches a rule someone else made. */
export const FIREWALL_RULE_NAME = 'Gapscope UDP in';
/** The name Windows gives the rules its first-listen prompt makes: the program's description, the product name. */
export const PROMPT_RULE_NAME = 'Gapscope';

/** A program path netsh can be given: absolute, local, and without the characters a command line cannot carry. */
function checkedProgram(program: string): string {
  if (!win32.isAbsolute(program) || !/^[A-Za-z]:\\/.test(program)) throw new Error(`The firewall rule needs the full path of Gapscope's program, not ${JSON.stringify(program)}.`);
  if (/["\r\n\0]/.test(program)) throw new Error(`The program path ${JSON.stringify(program)} has a character a firewall rule cannot name (" or a line break).`);
  return program;
}

/**
 * netsh's arguments that add the rule: inbound UDP to Gapscope's program on domain and private
 * networks (public networks stay closed unless the person opens them). One string, as netsh reads
 * its command line and as the installer passes it; the path is quoted, so spaces are kept.
 */
export function addRuleArguments(program: string): string {
  return `advfirewall firewall add rule name="${FIREWALL_RULE_NAME}" dir=in action=allow protocol=UDP profile=domain,private program="${checkedProgram(program)}" enable=yes`;
}

/** netsh's arguments that remove the rule, only Gapscope's own (by its name and program). */
export function deleteRuleArguments(program: string): string {
  return `advfirewall firewall delete rule name="${FIREWALL_RULE_NAME}" dir=in program="${checkedProgram(program)}"`;
}

/** PowerShell's single-quoted string: every quote PowerShell takes as a single quote is doubled. */
export function powerShellQuote(text: string): string {
  return `'${text.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/**
 * The command that adds the rule after one elevation prompt (UAC), for a per-user install or a
 * rule removed since: PowerShell starts netsh as administrator and waits for it.
 */
export function elevatedAddRuleCommand(program: string): [string, string[]] {
  const script = `$p = Start-Process -FilePath 'netsh.exe' -ArgumentList ${powerShellQuote(addRuleArguments(program))} -Verb RunAs -WindowStyle Hidden -Wait -PassThru; exit $p.ExitCode`;
  return ['powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script]];
}

/** The command that lists the inbound rules of one name, with their programs. */
export function showRulesCommand(name: string): [string, string[]] {
  return ['netsh', ['advfirewall', 'firewall', 'show', 'rule', `name=${name}`, 'dir=in', 'verbose']];
}

/** The command that lists the connected networks and their categories (English property names in every language). */
export const CONNECTION_PROFILES_COMMAND: [string, string[]] = ['powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', 'Get-NetConnectionProfile | Format-List Name,InterfaceAlias,InterfaceIndex,NetworkCategory']];

type Run = (cmd: string, args: readonly string[], timeoutMs?: number) => Promise<CommandResult>;

/** The rules of one name: netsh exits 1 when none match, with its sentence; anything else unreadable is null. */
async function readRules(run: Run, name: string): Promise<FirewallRule[] | null> {
  const [cmd, args] = showRulesCommand(name);
  const r = await run(cmd, args, 10_000);
  if (r.missing || r.timedOut) return null;
  return parseNetshRules(r.stdout);
}

/** Reads the rules for Gapscope's program and the connected networks (Windows only; `run` replaced in tests). */
export async function readFirewallFacts(program: string = process.execPath, run: Run = runCommand): Promise<FirewallFacts> {
  if (!win32.isAbsolute(program) && !isAbsolute(program)) throw new Error('the program path must be absolute');
  const [ours, prompts, profiles] = await Promise.all([readRules(run, FIREWALL_RULE_NAME), readRules(run, PROMPT_RULE_NAME), run(...CONNECTION_PROFILES_COMMAND, 10_000)]);
  const rules = ours === null && prompts === null ? null : [...(ours ?? []), ...(prompts ?? [])];
  return { program, rules, profiles: profiles.ok ? parseConnectionProfiles(profiles.stdout) : null };
}

/** The firewall's causes for a silent stream on this machine; none off Windows. */
export async function firewallSilenceCauses(platform: string = process.platform, read: () => Promise<FirewallFacts> = () => readFirewallFacts()): Promise<SilenceCause[]> {
  if (platform !== 'win32') return [];
  return firewallCauses(await read());
}

/** What allowInFirewall answers when the person declines the elevation prompt, or netsh fails. */
export const FIREWALL_NOT_ADDED = 'The firewall rule was not added: Windows asks for an administrator to allow it, and the prompt was declined or failed. Allow Gapscope in Windows Security > Firewall & network protection > Allow an app through firewall instead.';

/** Runs the one-elevation command for Gapscope's program; true when netsh added the rule. */
export async function addFirewallRule(program: string = process.execPath, run: Run = runCommand): Promise<boolean> {
  const [cmd, args] = elevatedAddRuleCommand(program);
  // The UAC prompt waits for the person: minutes, not the default seconds.
  const r = await run(cmd, args, 300_000);
  return r.ok && r.code === 0;
}
