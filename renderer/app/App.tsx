/** The window: header, connection banner, the setup form and stream list, and the selected stream. */
import { useEffect, useRef } from 'react';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { Header } from '../components/Header';
import { StreamList } from '../components/StreamList';
import { SelectedStream } from '../components/StreamView';
import { StreamSetup } from '../components/StreamSetup';
import { appStore } from '../store/store';
import { applyChartAction } from './chartControl';
import { useCommands } from './commands';
import { shortcutFor } from './shortcuts';

function inTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT') return true;
  return target instanceof HTMLInputElement && !['radio', 'checkbox', 'button', 'submit'].includes(target.type);
}

/** Gapscope's main window. */
export function App() {
  const formRef = useRef<HTMLFormElement>(null);
  const commands = useCommands();

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = shortcutFor({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, inTextField: inTextField(e.target) });
      if (!action) return;
      const s = appStore.getState();
      const id = s.selectedId;
      if (action === 'start') {
        e.preventDefault();
        formRef.current?.requestSubmit();
        return;
      }
      if (!id) return;
      e.preventDefault();
      if (action === 'stop') {
        const status = s.streams[id]?.info.status;
        if (status === 'listening' || status === 'starting') void commands.stop(id);
        return;
      }
      applyChartAction(appStore, id, action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [commands]);

  return (
    <div className="app">
      <Header />
      <ConnectionBanner />
      <div className="layout">
        <aside className="sidebar">
          <StreamSetup formRef={formRef} />
          <StreamList />
        </aside>
        <main className="main">
          <SelectedStream />
        </main>
      </div>
    </div>
  );
}
