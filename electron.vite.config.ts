import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { IndexHtmlTransformContext, ViteDevServer } from 'vite';
import { contentSecurityPolicyMetaTag } from './electron/kernel/contentSecurityPolicy';

/** The dev server's own origin, for its HMR socket. */
function devServerOrigin(server: ViteDevServer): string {
  const url = server.resolvedUrls?.local[0];
  return url ? new URL(url).origin : `http://localhost:${server.config.server.port ?? 5173}`;
}

// One build for every place Gapscope runs: the Electron main process and the headless CLI share
// the back end (main), the preload is the only bridge, and the renderer is served both to the
// desktop window and to a browser in web mode.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // zod is bundled rather than loaded from node_modules: bundled, the build keeps only the parts
      // Gapscope uses (one locale, not all of them), which is most of the CLI's start-up time.
      externalizeDeps: { exclude: ['zod'] },
      rollupOptions: {
        input: {
          main: resolve(__dirname, 'electron/main/index.ts'),
          cli: resolve(__dirname, 'electron/cli/index.ts'),
          receiverWorker: resolve(__dirname, 'electron/reception/receiverWorker.ts'),
          wireWorker: resolve(__dirname, 'electron/wire/wireWorker.ts'),
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
      // The page's one Content-Security-Policy (electron/kernel/contentSecurityPolicy.ts) goes into
      // index.html as a meta tag; only the dev server's page gets the dev variant (its inline
      // refresh script, <style> tags and HMR socket).
      {
        name: 'gapscope-csp',
        transformIndexHtml: (_html: string, ctx: IndexHtmlTransformContext) => [
          contentSecurityPolicyMetaTag(ctx.server ? { kind: 'dev-server', origin: devServerOrigin(ctx.server) } : { kind: 'built' }),
        ],
      },
    ],
    build: {
      outDir: 'out/renderer',
      minify: true,
      rollupOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
  },
});
