import { createSyncwarden, type Syncwarden } from '../app/app';
import { createFileLogger } from '../logging/logger';
import { resolveDataDir } from '../store/data-dir';

export interface GlobalOptions {
  dataDir?: string;
  json?: boolean;
  withDemoEngine?: boolean;
}

/** Opens the app for one CLI command: the same store, engines and logs as the desktop app. */
export async function openCliApp(options: GlobalOptions, host: 'cli' | 'browser' = 'cli'): Promise<Syncwarden & { dispose(): Promise<void> }> {
  const dataDir = resolveDataDir({ flag: options.dataDir });
  const log = await createFileLogger({ dataDir });
  const app = createSyncwarden({ dataDir, host, log, withDemoEngine: options.withDemoEngine ?? false });
  return Object.assign(app, {
    async dispose() {
      await app.close();
      await log.close();
    },
  });
}
