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
