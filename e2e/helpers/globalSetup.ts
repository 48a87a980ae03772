/** Creates the lab and starts Gapscope in it; if anything fails, removes what it made before failing. */
import { buildApp, createLab, deleteLab, labInfo, startServer, sweepStaleLabs } from './lab';

/** Playwright's global setup. */
export default async function globalSetup(): Promise<void> {
  const lab = labInfo();
  sweepStaleLabs();
  try {
    if (process.env.GSE2E_SKIP_BUILD !== '1') buildApp();
    createLab(lab);
    await startServer(lab);
  } catch (err) {
    await deleteLab(lab);
    throw err;
  }
}
