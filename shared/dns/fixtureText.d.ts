/**
 * Tests import fixture files as text with Vite's "?raw" suffix, so that the same test files need
 * no Node built-in (shared/ type-checks without Node types) and run unchanged in Vitest.
 */
declare module '*?raw' {
  const text: string;
  export default text;
}
