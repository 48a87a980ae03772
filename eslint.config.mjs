import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Every Node built-in, as Node itself lists them (fs/promises, tls, buffer… included). Bare names are
// matched exactly: a gitignore-style pattern 'net' would also match a folder ./net/.
const nodeBuiltinPaths = builtinModules.filter((m) => !m.startsWith('_')).map((name) => ({ name, message: 'Node built-ins are not available where this code runs.' }));

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Layering (VS Code's rule): code lives by where it runs. shared/ runs anywhere, so it may not
  // reach for Node, Electron, the DOM or the other layers; a slip fails CI instead of a review.
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltinPaths,
        patterns: [
          { group: ['node:*'], message: 'shared/ runs in the browser too: no Node built-ins.' },
          { group: ['electron', 'electron/*'], message: 'shared/ may not import Electron.' },
          { group: ['**/electron/**', '**/renderer/**', 'react', 'react-dom', 'zustand', 'recharts', 'ws'], message: 'shared/ may import only shared/ and pure libraries.' },
        ],
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'require'],
    },
  },
  // The renderer is a browser page: no Node, no Electron, no back-end code; it talks to the back
  // end only through the contract's client.
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltinPaths,
        patterns: [
          { group: ['node:*'], message: 'renderer/ runs in a browser: no Node built-ins.' },
          { group: ['electron', 'electron/*'], message: 'renderer/ may not import Electron; use the contract client.' },
          { group: ['**/electron/**', 'ws', 'dgram'], message: 'renderer/ may import only shared/ and browser code.' },
        ],
      }],
    },
  },
  // The back end may use Node and shared/, never the renderer; only the desktop entry files
  // (main window and preload) may import Electron, so that everything else runs headless.
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/main/**', 'electron/preload/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron', 'electron/*'], message: 'Only electron/main and electron/preload import Electron; the rest must run in plain Node.' },
          { group: ['**/renderer/**', 'react', 'react-dom', 'zustand', 'recharts'], message: 'The back end may not import the renderer.' },
        ],
      }],
    },
  },
  {
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/renderer/**', 'react', 'react-dom', 'zustand', 'recharts'], message: 'The back end may not import the renderer.' }],
      }],
    },
  },
  // The shell's sender and path rules are pure so that plain-Node tests cover them without an Electron binary
  // (the page's CSP lives in electron/kernel, where electron is refused like everywhere outside the shell).
  {
    files: ['electron/main/trustedSender.ts', 'electron/main/pathChooser.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['electron', 'electron/*'], message: 'Keep this module pure: it is tested without Electron.' }] }],
    },
  },
  // Raw IPC is touched only by the two generic bindings of the contract (GitHub Desktop's rule):
  // by name, through an alias (import { ipcMain as m }), destructured, or as electron.ipcMain.
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['electron/main/ipcBinding.ts', 'electron/preload/index.ts', 'electron/main/*.test.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: "MemberExpression[object.name='ipcMain']", message: 'Use the contract binding (electron/main/ipcBinding.ts), not raw ipcMain.' },
        { selector: "MemberExpression[object.name='ipcRenderer']", message: 'Use the contract binding (electron/preload), not raw ipcRenderer.' },
        { selector: "ImportSpecifier[imported.name=/^ipc(Main|Renderer)$/]", message: 'Only the contract bindings import ipcMain/ipcRenderer.' },
        { selector: "MemberExpression[property.name=/^ipc(Main|Renderer)$/]", message: 'Only the contract bindings reach ipcMain/ipcRenderer.' },
        { selector: "Property[key.name=/^ipc(Main|Renderer)$/]", message: 'Only the contract bindings take ipcMain/ipcRenderer apart.' },
      ],
    },
  },
  // End-to-end tests drive the product from outside: its page, its CLI and real tools only.
  {
    files: ['e2e/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/renderer/**', '**/electron/**', '**/shared/**', '**/lab/**'], message: 'e2e drives the app from outside, through its page and its CLI.' }],
      }],
    },
  },
  {
    files: ['**/*.mjs', 'bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
