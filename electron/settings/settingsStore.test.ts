import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, SettingsStore } from './settingsStore';

describe('SettingsStore', () => {
  it('persists changes between instances', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-settings-'));
    new SettingsStore(dir).update({ chartWindowSec: 120, lastStream: { port: 4000, binMs: 50, recvBufferBytes: 65536, decode: 'auto' } });
    const again = new SettingsStore(dir).get();
    expect(again.chartWindowSec).toBe(120);
    expect(again.lastStream?.port).toBe(4000);
  });

  it('sets a damaged file aside and starts from defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-settings-'));
    writeFileSync(join(dir, 'settings.json'), '{"chartWindowSec": "lots"');
    expect(new SettingsStore(dir).get().chartWindowSec).toBe(60);
    expect(readFileSync(join(dir, 'settings.json.invalid'), 'utf8')).toContain('lots');
    expect(existsSync(join(dir, 'settings.json'))).toBe(false);
  });

  it('rejects invalid changes without writing them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-settings-'));
    const s = new SettingsStore(dir);
    expect(() => s.update({ chartWindowSec: 1 })).toThrow();
    expect(s.get().chartWindowSec).toBe(60);
  });

  it('uses each platform\u2019s per-user folder', () => {
    expect(defaultDataDir({ HOME: '/h' }, 'linux')).toBe('/h/.config/gapscope');
    expect(defaultDataDir({ HOME: '/h', XDG_CONFIG_HOME: '/x' }, 'linux')).toBe('/x/gapscope');
    expect(defaultDataDir({ HOME: '/h' }, 'darwin')).toBe('/h/Library/Application Support/Gapscope');
    expect(defaultDataDir({ HOME: '/h', GAPSCOPE_DATA_DIR: '/d' }, 'linux')).toBe('/d');
  });
});
