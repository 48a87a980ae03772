/** The title bar: what is running, the settings that persist, the Record button and the shortcuts. */
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { SHORTCUT_HELP } from './shortcuts';
import { useFeature } from './api';
import { setThemeChoice, useThemeChoice, type ThemeChoice } from './theme';
import { useApp } from '../store/store';
import { ErrorMessage } from '../components/ErrorMessage';
import { RecordButton } from '../features/sessions/RecordButton';

/** Gapscope's header bar. */
export function Header() {
  const appInfo = useApp((s) => s.appInfo);
  return (
    <header className="app-header">
      <div className="brand">
        <span className="logo" aria-hidden="true">
          ▮▯▮
        </span>
        <span className="name">Gapscope</span>
        {appInfo ? (
          <span className="muted small" data-testid="app-info">
            {appInfo.version} · {appInfo.mode === 'web' ? 'web' : 'desktop'}
          </span>
        ) : null}
      </div>
      <div className="header-actions">
        <RecordButton />
        <SettingsMenu />
        <details className="menu">
          <summary>Shortcuts</summary>
          <div className="menu-panel" role="note">
            <table className="shortcuts">
              <tbody>
                {SHORTCUT_HELP.map((s) => (
                  <tr key={s.keys}>
                    <td>
                      <kbd>{s.keys}</kbd>
                    </td>
                    <td>{s.does}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </div>
    </header>
  );
}

function SettingsMenu() {
  const commands = useFeature('app');
  const { settings, error } = useApp(useShallow((s) => ({ settings: s.settings, error: s.errors.settings })));
  const [windowSec, setWindowSec] = useState('');
  const [packets, setPackets] = useState('');
  useEffect(() => {
    if (settings) {
      setWindowSec(String(settings.chartWindowSec));
      setPackets(String(settings.packetsShown));
    }
  }, [settings]);
  const save = (e: React.FormEvent) => {
    e.preventDefault();
    void commands.updateSettings({ chartWindowSec: Number(windowSec), packetsShown: Number(packets) });
  };
  return (
    <details className="menu">
      <summary>Settings</summary>
      <form className="menu-panel settings" onSubmit={save}>
        <label>
          Chart window (s)
          <input type="number" min={5} max={3600} value={windowSec} onChange={(e) => setWindowSec(e.target.value)} data-testid="chart-window-input" />
        </label>
        <label>
          Packets shown
          <input type="number" min={10} max={1000} value={packets} onChange={(e) => setPackets(e.target.value)} data-testid="packets-shown-input" />
        </label>
        <button type="submit" disabled={!settings}>
          Save
        </button>
        <ThemeSwitch />
        {error ? <ErrorMessage error={error} testId="settings-error" /> : null}
      </form>
    </details>
  );
}

const THEMES: readonly { value: ThemeChoice; label: string }[] = [
  { value: 'system', label: 'Follow the OS' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** Light, dark, or the OS's choice; applies at once and is remembered by this browser. */
function ThemeSwitch() {
  const choice = useThemeChoice();
  return (
    <fieldset className="theme-switch" data-testid="theme-switch">
      <legend>Theme</legend>
      {THEMES.map((t) => (
        <label key={t.value} className="radio">
          <input type="radio" name="gapscope-theme" value={t.value} checked={choice === t.value} onChange={() => setThemeChoice(t.value)} data-testid={`theme-${t.value}`} />
          {t.label}
        </label>
      ))}
    </fieldset>
  );
}
