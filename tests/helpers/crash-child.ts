/**
 * Child process for the crash tests: starts a long demo run in the given data
 * directory, prints RUNNING <id> once the run is running, then waits to be killed.
 * Optional: heartbeat and lease in ms (argv 3 and 4), for the lease-expiry tests.
 */
import { createSyncwarden } from '../../core/app/app';

const [dataDir, heartbeat, lease] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: crash-child <data-dir> [heartbeat-ms lease-ms]');
async function main(): Promise<void> {
  const app = await createSyncwarden({
    dataDir: dataDir as string,
    host: 'cli',
    withDemoEngine: true,
    ...(heartbeat ? { heartbeatMs: Number(heartbeat) } : {}),
    ...(lease ? { leaseMs: Number(lease) } : {}),
  });
  const { runId } = await app.runs.start('demo', { items: 10_000_000, delayMsPerPage: 20 }, 'cli');
  let told = false;
  const timer = setInterval(() => {
    void app.store.runs.get(runId).then((run) => {
      if (told || run?.state !== 'running') return;
      told = true;
      clearInterval(timer);
      process.stdout.write(`RUNNING ${runId}\n`);
    });
  }, 5);
}
void main();
