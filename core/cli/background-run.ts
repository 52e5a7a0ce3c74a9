import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import type { CallResult } from '../api/errors';
import type { StartedRun } from './await-run';
import { callApi, withCliApp, type GlobalOptions } from './context';
import { EXIT } from './exit-codes';
import { CliError } from './unwrap';

/**
 * `--no-wait` on a run this CLI would execute itself. A run belongs to the process that executes it (its owner
 * and heartbeat, docs/architecture.md): started here, the CLI's own exit would cancel it right after it said "Queued run
 * N". So the run is handed to a detached background process of this same CLI, which starts it, reports its id,
 * and owns it until it ends: heartbeat, cancel requests (`runs cancel N` from anywhere) and the lease rules are
 * those of any owner, and a background process that dies leaves a run that any live process marks interrupted
 * once its lease expires. The caller exits as soon as the run is started. (Team mode has workers for that: its
 * runs are queued, never executed by the CLI, and keep the direct path.)
 */

/** What the parent sends the background process (a contract call that starts a run), and what it answers. */
export interface RunStartCall {
  method: 'runs.start' | 'schedules.runNow';
  input: Record<string, unknown>;
}
type StartAnswer = CallResult<StartedRun>;

/** The hidden command a background process runs; not for people. */
export const BACKGROUND_COMMAND = 'run-in-background';
/** Opening the store (a PostgreSQL one across a network) and starting the run takes at most this long. */
const HANDOFF_TIMEOUT_MS = 60_000;

export interface BackgroundStart extends StartedRun {
  /** The background process that owns the run (absent when it joined a run someone else owns). */
  pid?: number;
}

/**
 * Starts the run in a detached background process and resolves once that process has it started (or
 * joined, or refused). Its stdio is not the caller's terminal: what it does is in the data dir's log.
 */
export async function startInBackground(globals: GlobalOptions, dataDir: string, request: RunStartCall): Promise<BackgroundStart> {
  const entry = cliEntry();
  if (globals.engines || !entry) {
    // An embedded CLI's engines live in its host only, and without our entry there is nothing to start.
    throw new CliError(
      { code: 'invalid-input', message: '--no-wait cannot hand this run to a background process here: wait for it (leave out --no-wait), or start it from the console or `syncwarden daemon`.' },
      EXIT.usage,
    );
  }
  const args = [...process.execArgv, entry, '--data-dir', dataDir, ...(globals.store ? ['--store', globals.store] : []), ...(globals.withDemoEngine ? ['--with-demo-engine'] : []), BACKGROUND_COMMAND];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'ignore', 'ignore', 'ipc'], windowsHide: true });
  try {
    const answer = await new Promise<StartAnswer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the background process did not start the run within ${HANDOFF_TIMEOUT_MS / 1000} s`)), HANDOFF_TIMEOUT_MS);
      child.once('message', (message) => (clearTimeout(timer), resolve(message as StartAnswer)));
      child.once('error', (error) => (clearTimeout(timer), reject(error)));
      child.once('exit', (code, signal) => (clearTimeout(timer), reject(new Error(`the background process ended (${signal ?? `exit ${code}`}) before it started the run; see the log`))));
      child.send(request);
    });
    if (!answer.ok) throw new CliError(answer.error, answer.error.code === 'invalid-input' || answer.error.code === 'not-found' ? EXIT.usage : EXIT.error);
    return answer.result.alreadyRunning ? answer.result : { ...answer.result, pid: child.pid as number };
  } catch (error) {
    child.kill('SIGKILL'); // it started nothing it would finish: nothing is left behind
    throw error;
  } finally {
    // The caller may exit now; the background process goes on alone (its own session, no terminal).
    if (child.connected) child.disconnect();
    child.removeAllListeners();
    child.unref();
  }
}

/**
 * The process the parent spawns: opens the same store, takes one request, starts the run through the same
 * contract call as a waiting CLI (trigger `cli`, or `schedule` for schedules run), answers, lets go of the
 * parent and waits for the run's end.
 */
export function backgroundRunCommand(globals: () => GlobalOptions): Command {
  return new Command(BACKGROUND_COMMAND).description('(internal) owns one run started with --no-wait').action(async () => {
    const send = process.send?.bind(process);
    if (!send) throw new CliError({ code: 'invalid-input', message: `${BACKGROUND_COMMAND} is started by --no-wait, not by hand.` }, EXIT.usage);
    await withCliApp(globals(), async (app) => {
      // The parent gone before it asked (killed meanwhile): nothing to start.
      const request = await new Promise<RunStartCall | undefined>((resolve) => {
        process.once('message', (message) => resolve(message as RunStartCall));
        process.once('disconnect', () => resolve(undefined));
      });
      if (request?.method !== 'runs.start' && request?.method !== 'schedules.runNow') return;
      const answer = (await callApi(app, request.method, request.input)) as StartAnswer;
      await new Promise<void>((resolve) => send(answer, undefined, {}, () => resolve()));
      process.disconnect?.();
      if (!answer.ok || answer.result.alreadyRunning) return;
      const { runId } = answer.result;
      app.log.info({ runId, pid: process.pid }, 'a background process owns a run started with --no-wait');
      // A shutdown (SIGTERM, SIGINT) stops the run as any host's shutdown does, and then this process.
      const onSignal = () => void app.runs.shutdown();
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
      try {
        const run = await app.runs.waitFor(runId);
        app.log.info({ runId, state: run?.state }, 'a background run ended');
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
    });
  });
}

/**
 * The CLI to start again: the bin (`bin/syncwarden.js`, which sets the host's V8 flags), found from this
 * module in the bundle (out/main, or out/main/chunks) or in the sources (core/cli).
 */
function cliEntry(): string | undefined {
  const candidates = [join(__dirname, '..', '..', 'bin', 'syncwarden.js'), join(__dirname, '..', '..', '..', 'bin', 'syncwarden.js')];
  return candidates.find((path) => existsSync(path) && existsSync(join(path, '..', '..', 'out', 'main', 'cli.js')));
}
