/**
 * Child process for the crash test: starts a long demo run in the given data
 * directory, prints RUNNING <id> once the run is running, then waits to be killed.
 */
import { createSyncwarden } from '../../core/app/app';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: crash-child <data-dir>');
const app = createSyncwarden({ dataDir, host: 'cli', withDemoEngine: true });
const { runId } = app.runs.start('demo', { items: 10_000_000, delayMsPerPage: 20 }, 'cli');
const timer = setInterval(() => {
  if (app.store.runs.get(runId)?.state === 'running') {
    clearInterval(timer);
    process.stdout.write(`RUNNING ${runId}\n`);
  }
}, 5);
