import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createSyncwarden } from '../core/app/app';
import { startBrowserServer } from '../core/server/browser-server';
import { connectWsBridge } from '../tests/contract/ws-bridge';

/**
 * 1,000,000 demonstration items through the real run pipeline (store, progress,
 * findings) while the browser-mode WebSocket host is up and a client keeps
 * calling it, to show the host stays responsive.
 */
export async function runsBenchmark(args: readonly string[]): Promise<void> {
  const json = args.includes('--json');
  const itemsFlag = args.indexOf('--items');
  const items = itemsFlag >= 0 ? Number(args[itemsFlag + 1]) : 1_000_000;
  // Each page of 1,000 items waits 3 ms, like a fast API page: the run lasts seconds, as real ones do.
  const delayMsPerPage = 3;

  const dataDir = mkdtempSync(join(tmpdir(), 'syncwarden-bench-'));
  const rendererDir = join(dataDir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html>');
  const app = await createSyncwarden({ dataDir, host: 'browser', withDemoEngine: true });
  const server = await startBrowserServer({ app, rendererDir, port: 0 });
  const client = await connectWsBridge(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, `http://127.0.0.1:${server.port}`);

  const progressPerSecond = new Map<number, number>();
  let startedAt = 0;
  client.on('run.progress', () => {
    const second = Math.floor((performance.now() - startedAt) / 1000);
    progressPerSecond.set(second, (progressPerSecond.get(second) ?? 0) + 1);
  });

  const rssStartMb = process.memoryUsage.rss() / 2 ** 20;
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 25);

  // A client that keeps calling the host during the run: its slowest answer is the responsiveness users feel.
  let callMaxMs = 0;
  let calls = 0;
  let calling = true;
  const caller = (async () => {
    while (calling) {
      const t = performance.now();
      await client.invoke('app.info', {});
      callMaxMs = Math.max(callMaxMs, performance.now() - t);
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();

  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  startedAt = performance.now();
  const finished = new Promise<void>((resolve) => client.on('run.finished', () => resolve()));
  const started = await client.invoke('runs.start', { engine: 'demo', params: { items, pageSize: 1000, delayMsPerPage } });
  if (!started.ok) throw new Error(`runs.start failed: ${started.error.message}`);
  const { runId } = started.result as { runId: number };
  await finished;
  const wallSeconds = (performance.now() - startedAt) / 1000;
  delay.disable();
  calling = false;
  await caller;
  clearInterval(sampler);

  const run = await app.store.runs.get(runId);
  const figures = {
    items,
    progressEventsPerSecondMax: Math.max(0, ...progressPerSecond.values()),
    peakRssMb: Math.round((peakRss / 2 ** 20) * 10) / 10,
    eventLoopDelayMaxMs: Math.round((delay.max / 1e6) * 10) / 10,
    wallSeconds: Math.round(wallSeconds * 100) / 100,
  };
  client.close();
  await server.close();
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });

  const lines = [
    `runs benchmark: ${items.toLocaleString('en')} demonstration items (pages of 1,000, ${delayMsPerPage} ms simulated latency each), run ${runId} ${run?.state}`,
    `  wall time                    ${figures.wallSeconds} s (${Math.round(items / wallSeconds).toLocaleString('en')} items/s)`,
    `  progress events/second, max  ${figures.progressEventsPerSecondMax} (target <= 10)`,
    `  RSS at start / peak          ${rssStartMb.toFixed(1)} MB / ${figures.peakRssMb} MB (target < 400 MB, flat)`,
    `  event-loop delay, max        ${figures.eventLoopDelayMaxMs} ms (target < 50 ms; p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms)`,
    `  WebSocket app.info calls     ${calls}, slowest answer ${callMaxMs.toFixed(1)} ms`,
    `  findings recorded            ${String(run?.result?.findings ?? 0)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  if (run?.state !== 'succeeded') process.exitCode = 1;
}
