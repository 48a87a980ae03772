/** The window: header, connection banner, the setup form and stream list, and the selected stream. */
import { useEffect, useRef, type ComponentType } from 'react';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { Header } from '../components/Header';
import { StreamList } from '../features/reception/StreamList';
import { SelectedStream } from '../features/reception/StreamView';
import { SenderPanel } from '../features/sender/SenderPanel';
import { StreamSetup } from '../features/reception/StreamSetup';
import { appStore, useApp } from '../store/store';
import { BonjourView } from '../features/bonjour/BonjourView';
import { DnsView } from '../features/dns/DnsView';
import { ImportView } from '../features/import/ImportView';
import { NetworkView } from '../features/network/NetworkView';
import { SessionsView } from '../features/sessions/SessionsView';
import { VIEWS, type ViewName } from './views';
import { applyChartAction } from '../features/reception/chart/chartControl';
import { useCommands } from './commands';
import { shortcutFor } from './shortcuts';

function inTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT') return true;
  return target instanceof HTMLInputElement && !['radio', 'checkbox', 'button', 'submit'].includes(target.type);
}

const FEATURE_VIEWS: Record<Exclude<ViewName, 'reception'>, ComponentType> = {
  sessions: SessionsView,
  import: ImportView,
  dns: DnsView,
  bonjour: BonjourView,
  network: NetworkView,
};

/** The tab bar that switches between reception and the feature views. */
function ViewTabs() {
  const view = useApp((s) => s.view);
  const showView = useApp((s) => s.showView);
  return (
    <nav className="view-tabs" role="tablist" aria-label="Views">
      {VIEWS.map((v) => (
        <button key={v.name} type="button" role="tab" aria-selected={view === v.name} data-testid={`tab-${v.name}`} className={view === v.name ? 'active' : ''} onClick={() => showView(v.name)}>
          {v.label}
        </button>
      ))}
    </nav>
  );
}

/** Gapscope's main window. */
export function App() {
  const view = useApp((s) => s.view);
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
      <ViewTabs />
      {view === 'reception' ? (
        <div className="layout">
          <aside className="sidebar">
            <StreamSetup formRef={formRef} />
            <StreamList />
            <SenderPanel />
          </aside>
          <main className="main">
            <SelectedStream />
          </main>
        </div>
      ) : (
        <main className="main feature-view">{(() => {
          const View = FEATURE_VIEWS[view];
          return <View />;
        })()}</main>
      )}
    </div>
  );
}
