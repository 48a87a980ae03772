import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// One build for every place Gapscope runs: the Electron main process and the headless CLI share
// the back end (main), the preload is the only bridge, and the renderer is served both to the
// desktop window and to a browser in web mode.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          main: resolve(__dirname, 'electron/main/index.ts'),
          cli: resolve(__dirname, 'electron/cli/index.ts'),
          receiverWorker: resolve(__dirname, 'electron/reception/receiverWorker.ts'),
        },
        // Shared chunks sit beside the entries, so __dirname finds receiverWorker.js from any of them.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: { input: { preload: resolve(__dirname, 'electron/preload/index.ts') } },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [
      react(),
      // The dev server injects an inline refresh script and <style> tags; relax the CSP only there.
      {
        name: 'gapscope-dev-csp',
        apply: 'serve',
        transformIndexHtml: (html: string) =>
          html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
      },
    ],
    build: {
      outDir: 'out/renderer',
      minify: true,
      rollupOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
  },
});
