// The firewall commands as Windows will be given them (built here, run on Windows), and the reading
// of their answers, fed the published outputs kept in shared/network/fixtures/windows-firewall.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../shared/rpc/dispatcher';
import type { ServiceContext } from '../kernel/services';
import { TimelineLog } from '../kernel/timeline';
import { createNetworkService } from './networkService';
import type { CommandResult } from './runCommand';
import { addFirewallRule, addRuleArguments, CONNECTION_PROFILES_COMMAND, FIREWALL_NOT_ADDED, deleteRuleArguments, elevatedAddRuleCommand, FIREWALL_RULE_NAME, firewallSilenceCauses, powerShellQuote, PROMPT_RULE_NAME, readFirewallFacts, showRulesCommand } from './windowsFirewall';

const fixture = (name: string) => readFileSync(join(__dirname, '..', '..', 'shared', 'network', 'fixtures', 'windows-firewall', name), 'utf8');
const PER_USER = "C:\\Users\\Seán O'Brien\\AppData\\Local\\Programs\\Gapscope\\Gapscope.exe";

/** Reads back a PowerShell single-quoted string ('' is one quote), as PowerShell does. */
function unquotePowerShell(text: string): string {
  expect(text.startsWith("'") && text.endsWith("'")).toBe(true);
  const body = text.slice(1, -1);
  expect(body.replace(/''|’’/g, '')).not.toMatch(/['‘’‚‛]/); // no quote left alone to end the string early
  return body.replace(/''/g, "'").replace(/’’/g, '’');
}

describe('the rule Gapscope adds', () => {
  it('is inbound UDP for its program on domain and private networks, the path quoted with its spaces', () => {
    expect(addRuleArguments('C:\\Program Files\\Gapscope\\Gapscope.exe')).toBe(
      'advfirewall firewall add rule name="Gapscope UDP in" dir=in action=allow protocol=UDP profile=domain,private program="C:\\Program Files\\Gapscope\\Gapscope.exe" enable=yes',
    );
    expect(deleteRuleArguments('C:\\Program Files\\Gapscope\\Gapscope.exe')).toBe('advfirewall firewall delete rule name="Gapscope UDP in" dir=in program="C:\\Program Files\\Gapscope\\Gapscope.exe"');
  });

  it('is the installer\'s own command, word for word', () => {
    const nsh = readFileSync(join(__dirname, '..', '..', 'build', 'installer.nsh'), 'utf8');
    // NSIS writes $\" for a quote inside its "…" strings; $INSTDIR\${APP_EXECUTABLE_FILENAME} is the program.
    const program = '$INSTDIR\\${APP_EXECUTABLE_FILENAME}';
    expect(nsh).toContain(`"netsh ${addRuleArguments('C:\\x.exe').replace('C:\\x.exe', program).replaceAll('"', '$\\"')}"`);
    expect(nsh).toContain(`"netsh ${deleteRuleArguments('C:\\x.exe').replace('C:\\x.exe', program).replaceAll('"', '$\\"')}"`);
  });

  it('refuses a program path a command line cannot carry', () => {
    expect(() => addRuleArguments('Gapscope.exe')).toThrow(/full path/);
    expect(() => addRuleArguments('\\\\server\\share\\Gapscope.exe')).toThrow(/full path/);
    expect(() => addRuleArguments('C:\\a"b\\Gapscope.exe')).toThrow(/cannot name/);
    expect(() => addRuleArguments('C:\\a\nb\\Gapscope.exe')).toThrow(/cannot name/);
  });

  it('is added after one elevation, with quotes in the path (an apostrophe, a typographic one) kept', () => {
    const [cmd, args] = elevatedAddRuleCommand(PER_USER);
    expect(cmd).toBe('powershell.exe');
    expect(args.slice(0, 3)).toEqual(['-NoProfile', '-NonInteractive', '-Command']);
    const script = args[3]!;
    const m = /^\$p = Start-Process -FilePath 'netsh\.exe' -ArgumentList ('(?:[^']|'')*') -Verb RunAs -WindowStyle Hidden -Wait -PassThru; exit \$p\.ExitCode$/.exec(script);
    expect(m).not.toBeNull();
    expect(unquotePowerShell(m![1]!)).toBe(addRuleArguments(PER_USER));
    const typographic = elevatedAddRuleCommand('C:\\Users\\Seán O’Brien\\Gapscope.exe')[1][3]!;
    expect(typographic).toContain("O’’Brien");
    expect(powerShellQuote("it's")).toBe("'it''s'");
  });
});

describe('reading the firewall', () => {
  /** A runner that answers each command with a published output, and records what it was asked. */
  function runner(answers: { ours: string; prompt: string; profiles: string | null }) {
    const asked: string[][] = [];
    const run = async (cmd: string, args: readonly string[]): Promise<CommandResult> => {
      asked.push([cmd, ...args]);
      const base = { missing: false, denied: false, timedOut: false, stderr: '' };
      if (cmd === 'netsh') {
        const text = args.includes(`name=${FIREWALL_RULE_NAME}`) ? answers.ours : answers.prompt;
        return { ...base, ok: !text.startsWith('No rules'), code: text.startsWith('No rules') ? 1 : 0, stdout: text };
      }
      return answers.profiles === null ? { ...base, ok: false, missing: true, code: null, stdout: '' } : { ...base, ok: true, code: 0, stdout: answers.profiles };
    };
    return { run, asked };
  }

  it('asks netsh for both rule names and PowerShell for the networks', async () => {
    const { run, asked } = runner({ ours: fixture('netsh-show-rule-none.txt'), prompt: fixture('netsh-show-rule-none.txt'), profiles: fixture('get-netconnectionprofile-public.txt') });
    const facts = await readFirewallFacts('C:\\Program Files\\Gapscope\\Gapscope.exe', run);
    expect(asked).toEqual([[...showRulesCommand(FIREWALL_RULE_NAME).flat()], [...showRulesCommand(PROMPT_RULE_NAME).flat()], [...CONNECTION_PROFILES_COMMAND.flat()]]);
    expect(showRulesCommand(FIREWALL_RULE_NAME)).toEqual(['netsh', ['advfirewall', 'firewall', 'show', 'rule', 'name=Gapscope UDP in', 'dir=in', 'verbose']]);
    expect(facts).toEqual({ program: 'C:\\Program Files\\Gapscope\\Gapscope.exe', rules: [], profiles: [{ name: 'Network', interfaceAlias: 'Ethernet', interfaceIndex: 3, category: 'public' }] });
  });

  it('names a block rule that Windows\' prompt made for Gapscope', async () => {
    const program = 'C:\\Program Files\\Lenovo\\Ready For Assistant\\ScMcpServer.exe'; // the published Block rule's program, standing for Gapscope's
    const { run } = runner({ ours: fixture('netsh-show-rule-none.txt'), prompt: fixture('netsh-show-rule-verbose-program-block.txt').replace('TCP', 'UDP'), profiles: fixture('get-netconnectionprofile-public.txt') });
    const causes = await firewallSilenceCauses('win32', () => readFirewallFacts(program, run));
    expect(causes.map((c) => c.code)).toEqual(['firewall-blocked']);
  });

  it('says nothing off Windows, and nothing it cannot read', async () => {
    expect(await firewallSilenceCauses('linux', () => Promise.reject(new Error('not asked')))).toEqual([]);
    const { run } = runner({ ours: 'Der angeforderte Vorgang erfordert erhöhte Rechte.', prompt: 'Der angeforderte Vorgang erfordert erhöhte Rechte.', profiles: null });
    expect(await firewallSilenceCauses('win32', () => readFirewallFacts('C:\\G\\Gapscope.exe', run))).toEqual([]);
  });
});

describe('silenceCauses through the door', () => {
  const ctx: ServiceContext = { emit: () => {}, timeline: new TimelineLog(), dataDir: '/nonexistent', mode: 'web' };
  const door = (os: { platform: string; release: string }, firewall: () => Promise<never[]> = async () => []) => createDispatcher(createNetworkService(ctx, { autoStart: false, os, firewallCauses: firewall }).handlers as never);

  it('names macOS Local Network privacy for a group silent for seconds on macOS 15 and later', async () => {
    const on15 = door({ platform: 'darwin', release: '24.1.0' });
    const silent = await on15('silenceCauses', [{ kind: 'multicast', packets: 0, listeningMs: 8000 }]);
    expect(silent).toMatchObject({ ok: true, value: [{ code: 'macos-local-network', fix: expect.stringMatching(/System Settings > Privacy & Security > Local Network/) }] });
    expect(await on15('silenceCauses', [{ kind: 'multicast', packets: 0, listeningMs: 1000 }])).toEqual({ ok: true, value: [] });
    expect(await on15('silenceCauses', [{ kind: 'multicast', packets: 3, listeningMs: 8000 }])).toEqual({ ok: true, value: [] });
    expect(await on15('silenceCauses', [{ kind: 'unicast', packets: 0, listeningMs: 8000 }])).toEqual({ ok: true, value: [] });
    expect(await door({ platform: 'darwin', release: '23.6.0' })('silenceCauses', [{ kind: 'broadcast', packets: 0, listeningMs: 8000 }])).toEqual({ ok: true, value: [] });
    expect(await door({ platform: 'linux', release: '6.1.0' })('silenceCauses', [{ kind: 'multicast', packets: 0, listeningMs: 8000 }])).toEqual({ ok: true, value: [] });
  });

  it('checks what it is given', async () => {
    const d = door({ platform: 'darwin', release: '24.1.0' });
    expect(await d('silenceCauses', [{ kind: 'anycast', packets: 0, listeningMs: 1 }])).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(await d('silenceCauses', [{ kind: 'unicast', packets: -1, listeningMs: 1 }])).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });
});

describe('allowInFirewall: the rule added after one elevation', () => {
  const ctx: ServiceContext = { emit: () => {}, timeline: new TimelineLog(), dataDir: '/nonexistent', mode: 'web' };

  it('runs the elevated command for the program, waiting minutes for the prompt, and reports netsh\'s exit', async () => {
    const asked: Array<[string, readonly string[], number | undefined]> = [];
    const answer = (code: number): ((cmd: string, args: readonly string[], t?: number) => Promise<CommandResult>) => async (cmd, args, t) => {
      asked.push([cmd, args, t]);
      return { ok: code === 0, missing: false, denied: false, timedOut: false, code, stdout: '', stderr: code === 0 ? '' : 'Start-Process : This command cannot be run due to the error: The operation was canceled by the user.' };
    };
    expect(await addFirewallRule(PER_USER, answer(0))).toBe(true);
    expect(asked[0]).toEqual([...elevatedAddRuleCommand(PER_USER), 300_000]);
    expect(await addFirewallRule(PER_USER, answer(1))).toBe(false);
  });

  it('answers what is still in the way once the rule is added; refuses off Windows and when declined', async () => {
    let added = false;
    const timeline = new TimelineLog();
    const service = createNetworkService({ ...ctx, timeline }, {
      autoStart: false,
      os: { platform: 'win32', release: '10.0.22631' },
      addFirewallRule: async () => (added = true),
      firewallCauses: async () => (added ? [] : [{ code: 'firewall-no-rule', text: 'no rule', fix: 'add one' }]),
    });
    const d = createDispatcher(service.handlers as never);
    const stream = { kind: 'unicast', packets: 0, listeningMs: 9000 };
    expect(await d('silenceCauses', [stream])).toMatchObject({ ok: true, value: [{ code: 'firewall-no-rule' }] });
    expect(await d('allowInFirewall', [stream])).toEqual({ ok: true, value: [] });
    expect(timeline.list().map((e) => e.kind)).toContain('firewall-rule-added');

    const declined = createDispatcher(createNetworkService(ctx, { autoStart: false, os: { platform: 'win32', release: '10.0' }, addFirewallRule: async () => false }).handlers as never);
    expect(await declined('allowInFirewall', [stream])).toEqual({ ok: false, error: { code: 'permission-denied', message: FIREWALL_NOT_ADDED } });
    const mac = createDispatcher(createNetworkService(ctx, { autoStart: false, os: { platform: 'darwin', release: '24.1.0' }, addFirewallRule: async () => { throw new Error('not asked'); } }).handlers as never);
    expect(await mac('allowInFirewall', [stream])).toMatchObject({ ok: false, error: { code: 'unsupported' } });
  });
});
