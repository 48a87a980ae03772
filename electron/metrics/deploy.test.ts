// The systemd unit and the container recipe in deploy/: systemd's own checker reads the unit,
// both start the agent with the same command, and the example config they point at is one the
// agent accepts.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentConfig } from '../cli/agent';

const DEPLOY = join(__dirname, '..', '..', 'deploy');
const UNIT = join(DEPLOY, 'gapscope-agent.service');

function verify(file: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile('systemd-analyze', ['verify', file], { timeout: 60_000 }, (error, _stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr }));
  });
}

describe('deploy/', { timeout: 60_000 }, () => {
  it('has a unit systemd-analyze verify accepts without a warning', async () => {
    const r = await verify(UNIT);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('starts the agent the same way in the unit and in the container', () => {
    const unit = readFileSync(UNIT, 'utf8');
    const exec = /^ExecStart=\/usr\/bin\/node \/opt\/gapscope\/bin\/gapscope\.js (.*)$/m.exec(unit)?.[1]?.split(' ');
    const recipe = readFileSync(join(DEPLOY, 'Containerfile'), 'utf8');
    const entry = JSON.parse(/^ENTRYPOINT (.*)$/m.exec(recipe)![1]!) as string[];
    const cmd = JSON.parse(/^CMD (.*)$/m.exec(recipe)![1]!) as string[];
    expect(entry.slice(0, 2)).toEqual(['node', '/opt/gapscope/bin/gapscope.js']);
    expect([...entry.slice(2), ...cmd]).toEqual(exec);
    expect(exec).toEqual(['--data-dir', '/var/lib/gapscope', 'agent', '--config', '/etc/gapscope/agent.json']);
  });

  it('ships an example config the agent accepts', async () => {
    const config = await agentConfig({ config: join(DEPLOY, 'agent.example.json'), stream: [], dnsServer: [], networkWatch: true });
    expect(config).toMatchObject({ host: '0.0.0.0', allowRemote: true, port: 9477, tokenFile: '/etc/gapscope/agent.token', browse: {} });
    expect(config.streams.map((s) => s.label)).toEqual(['telemetry', 'video']);
  });
});
