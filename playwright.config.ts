import { defineConfig } from '@playwright/test';
import { labInfo } from './e2e/helpers/lab';

// End-to-end tests drive the web mode in Chromium, inside a lab of network namespaces that global
// setup creates and global teardown always deletes (see /work/shared/docs/lab.md). The browser runs
// in the inspector namespace through a wrapper script, so 127.0.0.1 is the Gapscope server there.
const lab = labInfo();

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/helpers/globalSetup.ts',
  globalTeardown: './e2e/helpers/globalTeardown.ts',
  // One lab, one back end: the tests share it and run one after another.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    browserName: 'chromium',
    viewport: { width: 1440, height: 900 },
    colorScheme: 'light',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: lab.chromiumWrapper,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
