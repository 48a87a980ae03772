/**
 * Test code: what the Bonjour lab tests share to read the runners they start in a namespace
 * (runBrowse.ts, labResponder.ts, through jiti): their paths, and their JSON lines on stdout.
 */
import { join } from 'node:path';
import type { LabProcess } from '../../../lab/netns';
import { REPO_DIR } from '../../../lab/streams';
import type { ServiceInstance } from '../../../shared/mdns/serviceCache';

/** jiti's CLI, which runs the TypeScript runners without a build. */
export const JITI = join(REPO_DIR, 'node_modules', 'jiti', 'lib', 'jiti-cli.mjs');
/** The browser (or the whole Bonjour service) as the back end runs it, printing its events. */
export const RUNNER = join(REPO_DIR, 'electron', 'bonjour', 'testing', 'runBrowse.ts');
/** A scripted responder on the other side of the link, printing what it hears. */
export const PEER = join(REPO_DIR, 'electron', 'bonjour', 'testing', 'labResponder.ts');

/** One line a runner printed: its clock, the event and what came with it. */
export interface Line {
  t: number;
  event: string;
  payload: unknown;
}

/** The complete lines printed so far (the last one may still be being written). */
export function lines(p: LabProcess): Line[] {
  const text = p.stdout();
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);
}

/** The instances the browser lists now, by name, from its added, updated and removed events. */
export function live(p: LabProcess): Map<string, ServiceInstance> {
  const m = new Map<string, ServiceInstance>();
  for (const l of lines(p)) {
    const i = l.payload as ServiceInstance;
    if (l.event === 'added' || l.event === 'updated') m.set(i.name, i);
    if (l.event === 'removed') m.delete(i.name);
  }
  return m;
}
