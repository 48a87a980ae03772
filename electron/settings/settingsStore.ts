/** Keeps settings in a JSON file between launches; a damaged file is set aside, never fatal. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SettingsSchema, type Settings } from '../../shared/contract';
import type { FeatureService, ServiceContext } from '../kernel/services';

/** Settings as a feature: read and change them through the contract. */
export function createSettingsService(ctx: Pick<ServiceContext, 'dataDir'>): FeatureService<'getSettings' | 'updateSettings'> {
  const store = new SettingsStore(ctx.dataDir);
  return { handlers: { getSettings: () => store.get(), updateSettings: (change) => store.update(change) } };
}

/** Reads and writes settings.json in the data folder, validating both ways. */
export class SettingsStore {
  private current: Settings;
  private readonly file: string;

  constructor(private readonly dir: string) {
    this.file = join(dir, 'settings.json');
    this.current = this.load();
  }

  /** The settings now. */
  get(): Settings {
    return structuredClone(this.current);
  }

  /** Applies a validated partial change and writes the file atomically. */
  update(change: Partial<Settings>): Settings {
    this.current = SettingsSchema.parse({ ...this.current, ...change });
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.current, null, 2));
    renameSync(tmp, this.file);
    return this.get();
  }

  private load(): Settings {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return SettingsSchema.parse({});
    }
    try {
      const parsed = SettingsSchema.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
    } catch {
      // Not JSON: fall through.
    }
    // Keep the damaged file for the user to inspect, start from defaults.
    try {
      renameSync(this.file, `${this.file}.invalid`);
    } catch {
      // Read-only folder: defaults still work for this session.
    }
    return SettingsSchema.parse({});
  }
}

/** The per-user data folder for the headless CLI and web mode (Electron uses app.getPath('userData')). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: string = process.platform, home = env.HOME ?? env.USERPROFILE ?? '.'): string {
  if (env.GAPSCOPE_DATA_DIR) return env.GAPSCOPE_DATA_DIR;
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Gapscope');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Gapscope');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'gapscope');
}
