/**
 * Child process for the crash tests: starts a long demo run in the given data
 * directory, prints RUNNING <id> once the run is running, then waits to be killed.
 * Optional: heartbeat and lease in ms (argv 3 and 4), for the lease-expiry tests.
 */
import { createSyncwarden } from '../../core/app/app';

const [dataDir, heartbeat, lease] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: crash-child <data-dir> [heartbeat-ms lease-ms]');
const app = createSyncwarden({
  dataDir,
  host: 'cli',
  withDemoEngine: true,
  ...(heartbeat ? { heartbeatMs: Number(heartbeat) } : {}),
  ...(lease ? { leaseMs: Number(lease) } : {}),
});
const { runId } = app.runs.start('demo', { items: 10_000_000, delayMsPerPage: 20 }, 'cli');
const timer = setInterval(() => {
  if (app.store.runs.get(runId)?.state === 'running') {
    clearInterval(timer);
    process.stdout.write(`RUNNING ${runId}\n`);
  }
}, 5);
