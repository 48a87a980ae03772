/** The window: header, connection banner, the setup form and stream list, and the selected stream. */
import { useEffect, useRef, type ComponentType } from 'react';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { AlertBanner } from '../features/alerts/AlertBanner';
import { Header } from './Header';
import { StreamList } from '../features/reception/StreamList';
import { AgentsPanel } from '../features/agents/AgentsPanel';
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
import { useFeature } from './api';

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
  const collapsed = useApp((s) => s.sidebarCollapsed);
  const toggleSidebar = useApp((s) => s.toggleSidebar);
  const formRef = useRef<HTMLFormElement>(null);
  const commands = useCommands();
  const sessions = useFeature('sessions');

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
      if (action === 'record') {
        // The header's Record button's own action, from any tab.
        e.preventDefault();
        void sessions.toggleRecording();
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
  }, [commands, sessions]);

  return (
    <div className="app">
      <Header />
      <ConnectionBanner />
      <AlertBanner />
      <ViewTabs />
      {view === 'reception' ? (
        <div className={`layout${collapsed ? ' sidebar-collapsed' : ''}`}>
          <button
            type="button"
            className="sidebar-toggle"
            data-testid="sidebar-toggle"
            aria-expanded={!collapsed}
            aria-controls="reception-sidebar"
            title={collapsed ? 'Show the setup form and streams' : 'Hide the setup form and streams for more room'}
            onClick={toggleSidebar}
          >
            {collapsed ? '▶' : '◀'}
          </button>
          <aside className="sidebar" id="reception-sidebar" data-testid="sidebar">
            <StreamSetup formRef={formRef} />
            <StreamList />
            <AgentsPanel />
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
