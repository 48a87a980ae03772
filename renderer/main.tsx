/** Starts the window: connects to the back end, binds its events to the store, and renders. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectToBackend } from './api/transport';
import { bindFeatures, FeatureContext } from './app/api';
import { App } from './app/App';
import { appStore } from './store/store';
import { initTheme } from './app/theme';
import './styles.css';

initTheme();
const api = connectToBackend((state, detail) => appStore.getState().setConnection(state, detail));
const features = bindFeatures(api, appStore);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <FeatureContext.Provider value={features.commands}>
      <App />
    </FeatureContext.Provider>
  </StrictMode>,
);
