/** Stops Gapscope and deletes the lab's namespaces, whatever the tests did. */
import { deleteLab, labInfo } from './lab';

/** Playwright's global teardown. */
export default async function globalTeardown(): Promise<void> {
  await deleteLab(labInfo());
}
