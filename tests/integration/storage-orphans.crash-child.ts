/**
 * Child process for the SIGKILL tests of storage-orphans: opens the console
 * store in the given data directory, starts `repair all` (the default) or a
 * `check`, prints STARTED <id>, and keeps going until the parent kills it.
 * Connection secrets come from the environment (SYNCWARDEN_SECRETS=env), as a
 * worker on another machine would have them (a repair asks the service again before it moves rows, so it needs them too).
 */
import { createSyncwarden } from '../../core/app/app';
import { EnvSecretStore } from '../../core/secrets/env.secret-store';
import { MemorySecretStore } from '../helpers/memory.secret-store';

const dataDir = process.argv[2];
const mode = process.argv[3] ?? 'repair';
if (!dataDir || (mode !== 'repair' && mode !== 'check')) throw new Error('usage: storage-orphans.crash-child <data-dir> [repair|check]');
async function main(): Promise<void> {
  const secrets = process.env.SYNCWARDEN_SECRETS === 'env' ? new EnvSecretStore() : new MemorySecretStore();
  const app = await createSyncwarden({ dataDir: dataDir as string, host: 'cli', secrets });
  const { runId } = await app.runs.start('storage-orphans', mode === 'repair' ? { mode: 'repair', all: true } : { mode: 'check' }, 'cli');
  process.stdout.write(`STARTED ${runId}\n`);
}
void main();
