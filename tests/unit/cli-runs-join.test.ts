import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSyncwarden, type Syncwarden } from '../../core/app/app';
import { demoEngine, type DemoParams } from '../../core/engines/demo/demo.engine';
import { EngineRegistry, type Engine } from '../../core/engines/engine';
import { BUILTIN_ENGINES } from '../../core/engines/registry';
import { openStore } from '../../core/store/store';
import { assertBuilt } from '../helpers/cli';
import { startCrashChild } from '../helpers/crash-runner';
import { CLI_BIN } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';

/** The CLI runs asynchronously here: the run it joins belongs to this test process, which must keep working meanwhile. */
function cliAsync(args: readonly string[]): { done: Promise<{ code: number | null; stdout: string; stderr: string }>; waiting: Promise<void> } {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let saidWaiting: () => void = () => undefined;
  const waiting = new Promise<void>((resolve) => (saidWaiting = resolve));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (/waiting for it to end/.test(stderr)) saidWaiting();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return { waiting, done: once(child, 'exit').then(([code]) => (clearTimeout(timer), { code: code as number | null, stdout, stderr })) };
}

/**
 * The demo engine, held at its start until the test lets it go: the run is running (its scope taken, its lease
 * renewed) for exactly as long as the joining CLI needs to start and say it waits, on any machine, instead of a
 * run sized to outlast a slow start. Let go, it is the demo engine as shipped.
 */
function heldDemoEngine(): { engine: Engine<DemoParams>; release(): void } {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  return {
    release: () => release(),
    engine: {
      ...demoEngine,
      async run(params, context, controls) {
        await released;
        return demoEngine.run(params, context, controls);
      },
    },
  };
}

describe('CLI commands that join a run already running', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let owner: Syncwarden | undefined;
  let held: ReturnType<typeof heldDemoEngine> | undefined;
  beforeAll(assertBuilt);
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(async () => {
    held?.release();
    held = undefined;
    await owner?.close();
    owner = undefined;
    dir.remove();
  });
  const ownerApp = async () => (owner = await createSyncwarden({ dataDir: dir.path, host: 'electron', withDemoEngine: true, heartbeatMs: 100 }));
  /** The owner with the held demo engine: its runs wait for `held.release()`. */
  const heldOwnerApp = async () => {
    held = heldDemoEngine();
    return (owner = await createSyncwarden({ dataDir: dir.path, host: 'electron', engines: new EngineRegistry([...BUILTIN_ENGINES, held.engine]), heartbeatMs: 100 }));
  };
  const cli = (...args: string[]) => cliAsync(['--data-dir', dir.path, '--with-demo-engine', ...args]);

  it('runs start waits for the joined run and exits 0 when it succeeds', async () => {
    const app = await heldOwnerApp();
    // Held until the CLI says it waits, on a machine however busy; the test then checks it exited only after the run ended.
    const { runId } = await app.runs.start('demo', { items: 2_000, pageSize: 100, delayMsPerPage: 5 }, 'manual');
    const { done, waiting } = cli('--json', 'runs', 'start', 'demo', '--params', '{"items":5}');
    await waiting;
    expect((await app.store.runs.get(runId))?.state).toBe('running');
    held?.release();
    const result = await done;
    expect(result.stderr).toMatch(new RegExp(`run ${runId} is already running; waiting`));
    expect(result.code).toBe(0);
    expect((await app.store.runs.get(runId))?.state).toBe('succeeded');
    expect(JSON.parse(result.stdout)).toMatchObject({ id: runId, state: 'succeeded', joined: true, trigger: 'manual' });
  });

  it('check <engine> joins, waits and exits 4 when the joined run fails', async () => {
    const app = await heldOwnerApp();
    const { runId } = await app.runs.start('demo', { items: 2_000, pageSize: 100, delayMsPerPage: 5, failAt: 1_950 }, 'manual');
    const joined = cli('check', 'demo');
    await joined.waiting;
    expect((await app.store.runs.get(runId))?.state).toBe('running');
    held?.release();
    const result = await joined.done;
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(new RegExp(`run ${runId}\\): failed`));
    expect((await app.store.runs.get(runId))?.state).toBe('failed');
  });

  it('--no-wait says it is not waiting and exits 0 at once', async () => {
    const app = await ownerApp();
    const { runId } = await app.runs.start('demo', { items: 10_000_000, delayMsPerPage: 20 }, 'manual');
    // Two CLIs at once: each joins the same running run on its own.
    const [text, json] = await Promise.all([cli('runs', 'start', 'demo', '--no-wait').done, cli('--json', 'check', 'demo', '--no-wait').done]);
    expect(text).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`Run ${runId} is already running; not waiting for it \\(--no-wait\\)`)) });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ runId, alreadyRunning: true, waiting: false });
    expect((await app.store.runs.get(runId))?.state).toBe('running');
  });

  it('a waiting CLI whose joined run loses its owner (SIGKILL) sweeps it and exits 4 with interrupted', async () => {
    const crashed = await startCrashChild(dir.path);
    const joined = cli('--json', 'runs', 'start', 'demo');
    await joined.waiting;
    await crashed.kill();
    const result = await joined.done;
    expect(result.code).toBe(4);
    expect(JSON.parse(result.stdout)).toMatchObject({ id: crashed.runId, state: 'interrupted', joined: true });
  });

  it('a running serve interrupts a SIGKILLed CLI run within seconds, and the scope can start again', async () => {
    // The store made first, so the owner and serve, started side by side, both open one that exists.
    await (await openStore(dir.path)).close();
    const serve = spawn(process.execPath, [CLI_BIN, '--data-dir', dir.path, '--json', 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const serving = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('serve printed nothing')), 20_000);
      serve.stdout.once('data', () => (clearTimeout(timer), resolve()));
    });
    const owning = startCrashChild(dir.path);
    try {
      const [crashed] = await Promise.all([owning, serving]);
      // Serve is up and the owner's run is running: now the owner dies.
      await crashed.kill();
      // A plain store: opening it recovers nothing, so only serve can have moved the run.
      const store = await openStore(dir.path);
      try {
        await until(async () => (await store.runs.get(crashed.runId))?.state === 'interrupted', 8_000, 'serve interrupts the dead run');
        expect((await store.runEvents.list(crashed.runId)).at(-1)?.message).toMatch(/interrupted: the owning process stopped/);
      } finally {
        await store.close();
      }
      const again = await cli('--json', 'runs', 'start', 'demo', '--params', '{"items":5}').done;
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ state: 'succeeded' });
      expect(JSON.parse(again.stdout).id).not.toBe(crashed.runId);
    } finally {
      // An owner left alive by a failure above goes too.
      const crashed = await owning.catch(() => undefined);
      if (crashed && crashed.child.exitCode === null && crashed.child.signalCode === null) await crashed.kill();
      const exited = once(serve, 'exit');
      serve.kill('SIGTERM');
      await exited;
    }
  });
});
