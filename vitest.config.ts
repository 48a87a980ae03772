import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code they cover; lab tests open real sockets inside network
// namespaces they create (they need root and iproute2) and run one file at a time.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'lint/**/*.test.ts', 'build/**/*.test.ts'],
          exclude: ['**/*.lab.test.ts'],
          // Many unit tests run real tools (tshark, the receiver worker, sockets): at a load average
          // of 25 on 2 cores they took 6 s and more, doing nothing wrong. The limit is for a hang.
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: ['**/*.lab.test.ts'],
          exclude: ['node_modules/**'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
