/**
 * Child process for the SIGKILL-mid-repair test: opens the console store in
 * the given data directory, starts `repair all` of storage-orphans, prints
 * STARTED <id>, and keeps repairing until the parent kills it.
 */
import { createSyncwarden } from '../../core/app/app';
import { MemorySecretStore } from '../helpers/memory.secret-store';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: storage-orphans.crash-child <data-dir>');
async function main(): Promise<void> {
  const app = await createSyncwarden({ dataDir: dataDir as string, host: 'cli', secrets: new MemorySecretStore() });
  const { runId } = await app.runs.start('storage-orphans', { mode: 'repair', all: true }, 'cli');
  process.stdout.write(`STARTED ${runId}\n`);
}
void main();
