/**
 * Windows Defender Firewall and network profiles, read from `netsh advfirewall firewall show rule
 * … verbose` and `Get-NetConnectionProfile`, and what they mean for a UDP stream that receives
 * nothing: a rule that blocks Gapscope, no rule that allows it, or a Public network.
 */

/** One firewall rule as netsh prints it (the fields that decide whether inbound UDP reaches a program). */
export interface FirewallRule {
  name: string;
  enabled: boolean;
  direction: 'in' | 'out';
  /** Domain, Private, Public (lower case); every profile when netsh says Any. */
  profiles: NetworkCategory[];
  /** 'udp', 'tcp', 'any', or the number or name netsh gave. */
  protocol: string;
  localPort: string;
  /** The program's path; null when the rule is for every program (netsh prints no Program line, or Any). */
  program: string | null;
  action: 'allow' | 'block' | 'bypass';
}

/** A network's category as Windows applies firewall profiles to it. */
export type NetworkCategory = 'domain' | 'private' | 'public';

/** One connected network, as Get-NetConnectionProfile lists it. */
export interface ConnectionProfile {
  name: string;
  interfaceAlias: string;
  interfaceIndex: number | null;
  category: NetworkCategory;
}

/** What netsh says when no rule has the name asked for. */
const NO_RULES = /^No rules match the specified criteria\.?$/m;

/**
 * The rules in netsh's output; [] when it says none match; null when the text is not netsh's
 * English output (a translated netsh, an error), so that nothing is guessed from it.
 */
export function parseNetshRules(text: string): FirewallRule[] | null {
  const lines = text.split(/\r?\n/);
  if (NO_RULES.test(text.trim()) && !lines.some((l) => l.startsWith('Rule Name:'))) return [];
  const blocks: Array<Map<string, string>> = [];
  for (const line of lines) {
    const m = /^([A-Za-z][A-Za-z ]*?):\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const [, key = '', value = ''] = m;
    if (key === 'Rule Name') blocks.push(new Map([[key, value]]));
    else blocks.at(-1)?.set(key, value);
  }
  if (blocks.length === 0) return null;
  const rules: FirewallRule[] = [];
  for (const b of blocks) {
    const enabled = b.get('Enabled');
    const direction = b.get('Direction');
    const action = b.get('Action')?.toLowerCase();
    if ((enabled !== 'Yes' && enabled !== 'No') || (direction !== 'In' && direction !== 'Out') || (action !== 'allow' && action !== 'block' && action !== 'bypass')) return null;
    const program = b.get('Program');
    rules.push({
      name: b.get('Rule Name') ?? '',
      enabled: enabled === 'Yes',
      direction: direction === 'In' ? 'in' : 'out',
      profiles: parseProfiles(b.get('Profiles') ?? 'Any'),
      protocol: (b.get('Protocol') ?? 'Any').toLowerCase(),
      localPort: b.get('LocalPort') ?? 'Any',
      program: program === undefined || program === '' || program.toLowerCase() === 'any' ? null : program,
      action,
    });
  }
  return rules;
}

function parseProfiles(text: string): NetworkCategory[] {
  const words = text.split(',').map((w) => w.trim().toLowerCase());
  if (words.includes('any')) return ['domain', 'private', 'public'];
  return (['domain', 'private', 'public'] as const).filter((c) => words.includes(c));
}

/** The connections in Get-NetConnectionProfile's list output (blocks of "Key : Value"); null when it holds none. */
export function parseConnectionProfiles(text: string): ConnectionProfile[] | null {
  const out: ConnectionProfile[] = [];
  let current: Map<string, string> | null = null;
  const flush = () => {
    if (!current) return;
    const category = categoryOf(current.get('NetworkCategory') ?? '');
    if (category) {
      const index = Number(current.get('InterfaceIndex'));
      out.push({ name: current.get('Name') ?? '', interfaceAlias: current.get('InterfaceAlias') ?? '', interfaceIndex: Number.isInteger(index) ? index : null, category });
    }
    current = null;
  };
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z0-9]+)\s*:\s?(.*?)\s*$/.exec(line);
    if (!m) {
      if (line.trim() === '') flush();
      continue;
    }
    const [, key = '', value = ''] = m;
    if (key === 'Name' && current?.has('Name')) flush();
    current ??= new Map();
    current.set(key, value);
  }
  flush();
  return out.length > 0 ? out : null;
}

/** Windows' category name (DomainAuthenticated is the Domain profile; the enum's numbers too). */
function categoryOf(text: string): NetworkCategory | null {
  switch (text.trim().toLowerCase()) {
    case 'public':
    case '0':
      return 'public';
    case 'private':
    case '1':
      return 'private';
    case 'domainauthenticated':
    case 'domain':
    case '2':
      return 'domain';
    default:
      return null;
  }
}

/** True when two Windows paths name the same file (case and slash direction do not matter). */
export function samePath(a: string, b: string): boolean {
  const norm = (p: string) => p.trim().replace(/^"|"$/g, '').replace(/\//g, '\\').toLowerCase();
  return norm(a) === norm(b);
}

/** What the firewall does to inbound UDP for Gapscope, from the rules that name its program. */
export interface FirewallFacts {
  /** The rules read (null: they could not be read). */
  rules: FirewallRule[] | null;
  /** The connected networks (null: they could not be read). */
  profiles: ConnectionProfile[] | null;
  /** Gapscope's executable. */
  program: string;
}

/** A reason a stream may be receiving nothing, in the user's words, with where to change it. */
export interface SilenceCause {
  code: 'firewall-blocked' | 'firewall-no-rule' | 'public-network' | 'macos-local-network';
  /** One sentence: what is in the way. */
  text: string;
  /** Where to change it. */
  fix: string;
}

function coversUdp(r: FirewallRule): boolean {
  return r.protocol === 'udp' || r.protocol === 'any' || r.protocol === '17';
}

/**
 * The firewall causes for a silent stream: a Block rule for Gapscope (it wins over every Allow),
 * no Allow rule for it on a connected network's profile, or a Public network the Allow rules leave out.
 */
export function firewallCauses(facts: FirewallFacts): SilenceCause[] {
  const { rules, profiles } = facts;
  if (rules === null) return [];
  const mine = rules.filter((r) => r.enabled && r.direction === 'in' && coversUdp(r) && (r.program === null ? false : samePath(r.program, facts.program)));
  const active = profiles?.map((p) => p.category) ?? ['domain', 'private', 'public'];
  const causes: SilenceCause[] = [];
  const blocking = mine.filter((r) => r.action === 'block' && r.profiles.some((p) => active.includes(p)));
  if (blocking.length > 0) {
    causes.push({
      code: 'firewall-blocked',
      text: `Windows Defender Firewall has a rule that blocks Gapscope's inbound traffic (“${blocking[0]!.name}”, ${blocking[0]!.profiles.join(', ')} networks): a block rule wins over every allow rule, so no datagram reaches the socket.`,
      fix: 'Windows Security > Firewall & network protection > Allow an app through firewall: tick Gapscope for this network type, or remove the block rule in Windows Defender Firewall with Advanced Security > Inbound Rules.',
    });
    return causes;
  }
  const allowedOn = new Set(mine.filter((r) => r.action === 'allow').flatMap((r) => r.profiles));
  const publicNets = (profiles ?? []).filter((p) => p.category === 'public');
  if (publicNets.length > 0 && !allowedOn.has('public')) {
    const names = publicNets.map((p) => `${p.name} (${p.interfaceAlias})`).join(', ');
    causes.push({
      code: 'public-network',
      text: `Windows treats ${names} as a Public network, where inbound UDP to Gapscope is blocked unless a rule allows it on public networks.`,
      fix: 'If you trust this network: Settings > Network & internet > (the connection) > Network profile type: Private. Otherwise allow Gapscope on public networks in Windows Security > Firewall & network protection > Allow an app through firewall.',
    });
  }
  const uncovered = [...new Set(active)].filter((c) => c !== 'public' && !allowedOn.has(c));
  if (uncovered.length > 0) {
    causes.push({
      code: 'firewall-no-rule',
      text: `No Windows Defender Firewall rule lets inbound UDP reach Gapscope on ${uncovered.join(' or ')} networks (the prompt at the first listen may have been dismissed), so the firewall drops it.`,
      fix: 'Reinstall Gapscope for all users (the installer adds the rule), or allow it in Windows Security > Firewall & network protection > Allow an app through firewall.',
    });
  }
  return causes;
}
