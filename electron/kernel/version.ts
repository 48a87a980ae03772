/** The app's version from package.json, found from the built bundle (out/main) or the sources. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let cached: string | null = null;

/** The version in package.json, or 0.0.0 if it cannot be found. */
export function appVersion(): string {
  if (cached) return cached;
  for (const p of [join(__dirname, '..', '..', 'package.json'), join(__dirname, '..', '..', '..', 'package.json')]) {
    try {
      cached = (JSON.parse(readFileSync(p, 'utf8')) as { version: string }).version;
      return cached;
    } catch {
      // Try the next place.
    }
  }
  return '0.0.0';
}
