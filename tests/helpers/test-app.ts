import { createSyncwarden, type Syncwarden, type SyncwardenOptions } from '../../core/app/app';
import { MemorySecretStore } from './memory.secret-store';
import { makeTempDir } from './temp-dir';

export interface TestApp extends Syncwarden {
  dispose(): Promise<void>;
}

/** A real app (store, runs, demo engine) in a throwaway data directory. */
export async function createTestApp(options: Partial<SyncwardenOptions> = {}): Promise<TestApp> {
  const dir = options.dataDir ? undefined : makeTempDir();
  const app = await createSyncwarden({ dataDir: dir?.path ?? (options.dataDir as string), host: 'browser', withDemoEngine: true, secrets: new MemorySecretStore(), ...options });
  return Object.assign(app, {
    async dispose() {
      await app.close();
      dir?.remove();
    },
  });
}
