#!/usr/bin/env node
// Checks the packaging configuration without packaging (which would download Electron): the
// electron-builder.yml passes electron-builder's own schema validation, the files it names exist,
// the entitlements carry no restricted key, build/Info.plist.additions.xml agrees with
// mac.extendInfo, and the afterPack hook and NSIS include load. Run: node build/check-builder-config.mjs [config.yml] (exit code 1 on a problem).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config');
const { DebugLogger } = require('builder-util');

const problems = [];
const check = (ok, message) => {
  if (!ok) problems.push(message);
};

/** The keys and values of a flat XML plist: strings, booleans and string arrays. */
function readPlist(file) {
  const xml = readFileSync(file, 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  const result = {};
  const entry = /<key>([^<]+)<\/key>\s*(<true\/>|<false\/>|<string>([^<]*)<\/string>|<array>([\s\S]*?)<\/array>)/g;
  for (const m of xml.matchAll(entry)) {
    const [, key, raw, text, items] = m;
    if (raw === '<true/>' || raw === '<false/>') result[key] = raw === '<true/>';
    else if (text !== undefined) result[key] = text.replaceAll('&amp;', '&').replaceAll('&lt;', '<');
    else result[key] = [...items.matchAll(/<string>([^<]*)<\/string>/g)].map((s) => s[1]);
  }
  return result;
}

function pngSize(file) {
  const data = readFileSync(file);
  const isPng = data.subarray(1, 4).toString('ascii') === 'PNG';
  return isPng ? [data.readUInt32BE(16), data.readUInt32BE(20)] : null;
}

const configFile = process.argv[2] ?? join(root, 'electron-builder.yml');
// As written (getConfig normalizes some fields, e.g. files), for the checks below.
const config = require('js-yaml').load(readFileSync(configFile, 'utf8'));
try {
  await validateConfiguration(await getConfig(root, configFile, null), new DebugLogger(false));
} catch (err) {
  problems.push(`electron-builder rejects the configuration:\n${err.message}`);
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
check(config.files?.includes('out/**') && config.files.includes('package.json'), 'files must include out/** and package.json');
check(typeof pkg.main === 'string' && pkg.main.startsWith('out/'), `package.json main (${pkg.main}) must point into out/, the only code that is packaged`);

const icon = join(root, config.icon ?? 'build/icon.png');
const size = existsSync(icon) ? pngSize(icon) : null;
check(size?.[0] === 1024 && size?.[1] === 1024, `${config.icon} must be a 1024×1024 PNG (run node build/make-icons.mjs)`);

const entitlementsFile = join(root, config.mac?.entitlements ?? '');
check(existsSync(entitlementsFile), `mac.entitlements ${config.mac?.entitlements} is missing`);
if (existsSync(entitlementsFile)) {
  const entitlements = readPlist(entitlementsFile);
  check(entitlements['com.apple.security.cs.allow-jit'] === true, 'the entitlements must allow JIT (V8 under the hardened runtime)');
  check(!('com.apple.developer.networking.multicast' in entitlements), 'the multicast entitlement needs a provisioning profile; see the comment in the entitlements file');
  check(!('com.apple.security.cs.allow-unsigned-executable-memory' in entitlements), 'allow-unsigned-executable-memory is not needed since Electron 12');
}

// The afterPack hook: the file named, loadable, and the function electron-builder calls.
check(config.afterPack === './build/after-pack.mjs', `afterPack must be ./build/after-pack.mjs (the Mach-O UUID step), not ${config.afterPack}`);
if (typeof config.afterPack === 'string' && existsSync(join(root, config.afterPack))) {
  const hook = await import(pathToFileURL(join(root, config.afterPack)).href);
  check(typeof hook.afterPack === 'function' && hook.default === hook.afterPack, `${config.afterPack} must export the function afterPack (also as default)`);
} else check(false, `the afterPack hook ${config.afterPack} is missing`);

// The NSIS include: Gapscope's own firewall rule added for all-user installs and removed on uninstall.
check(config.nsis?.include === 'build/installer.nsh', `nsis.include must be build/installer.nsh (the firewall rule), not ${config.nsis?.include}`);
if (existsSync(join(root, 'build', 'installer.nsh'))) {
  const nsh = readFileSync(join(root, 'build', 'installer.nsh'), 'utf8');
  check(/!macro customInstall\b[\s\S]*?add rule name=\$\\"Gapscope UDP in\$\\" dir=in action=allow protocol=UDP[\s\S]*?!macroend/.test(nsh), 'build/installer.nsh: customInstall must add the "Gapscope UDP in" inbound UDP rule');
  check(/!macro customUnInstall\b[\s\S]*?delete rule name=\$\\"Gapscope UDP in\$\\"[\s\S]*?!macroend/.test(nsh), 'build/installer.nsh: customUnInstall must delete the "Gapscope UDP in" rule');
} else check(false, 'build/installer.nsh is missing');

const extendInfo = config.mac?.extendInfo ?? {};
const services = extendInfo.NSBonjourServices ?? [];
check(typeof extendInfo.NSLocalNetworkUsageDescription === 'string' && extendInfo.NSLocalNetworkUsageDescription.length > 20, 'mac.extendInfo needs NSLocalNetworkUsageDescription');
check(services.includes('_services._dns-sd._udp'), 'NSBonjourServices must include _services._dns-sd._udp');
for (const s of services) check(s === '_services._dns-sd._udp' || /^_[a-z0-9](?:[a-z0-9-]{0,13}[a-z0-9])?\._(tcp|udp)$/.test(s), `NSBonjourServices: ${s} is not a DNS-SD service type`);
check(new Set(services).size === services.length, 'NSBonjourServices has duplicates');
const reference = readPlist(join(root, 'build', 'Info.plist.additions.xml'));
check(reference.NSLocalNetworkUsageDescription === extendInfo.NSLocalNetworkUsageDescription, 'build/Info.plist.additions.xml: NSLocalNetworkUsageDescription differs from electron-builder.yml');
check(JSON.stringify(reference.NSBonjourServices) === JSON.stringify(services), 'build/Info.plist.additions.xml: NSBonjourServices differs from electron-builder.yml');

if (problems.length > 0) {
  console.error(`Packaging configuration problems:\n- ${problems.join('\n- ')}`);
  process.exitCode = 1;
} else {
  console.log(`electron-builder.yml is valid for electron-builder ${require('app-builder-lib/package.json').version}; ${services.length} Bonjour service types; icon ${size.join('×')}.`);
}
