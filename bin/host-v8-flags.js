'use strict';
const { accessSync, constants } = require('node:fs');

/**
 * V8 settings of the headless host (the CLI, `syncwarden serve`, workers, the daemon) and of the benches,
 * which measure that host. V8 takes them only when a process starts, so a plain start (`syncwarden …`,
 * `node bin/syncwarden.js …`) replaces itself in place with one that has them (execve: same pid, stdio,
 * signals and arguments).
 *
 * --max-semi-space-size=16: the young generation stops at 2 x 16 MB. Node's default on 64-bit without
 * pointer compression is 2 x 64 MB, and V8 grows to it in any long run that allocates steadily (every engine
 * at a million rows): about 80 MB of a million-user identity check's 330 MB peak.
 * --no-allocation-site-pretenuring: with the smaller young generation, V8 sometimes judged a parser's
 * allocation sites long-lived early in a listing and allocated their objects straight into the old
 * generation, which then held 75 MB more (identity peaked at 304-340 MB in 4 runs of 9, 249-267 MB in the
 * others). Without pretenuring: 248-252 MB in 4 runs of 4, and the check ran faster (32-34 s against
 * 37-44 s). docs/performance.md, seventh pass.
 * --heap-growing-percent=100: after each full collection the old generation may grow to twice what survived
 * it. V8 otherwise picks the factor (up to 4x) from how fast the program allocates: once the identity listing
 * kept the service busy (twelfth pass), it allocated twice as fast, and the heap ran to 150 MB of mostly
 * garbage (peak 316-340 MB against 256); with the factor fixed at 2, 268 MB, no stall over 50 ms, same time.
 * docs/performance.md, twelfth pass.
 * Electron's V8 has pointer compression, which halves the default young generation; its main process takes
 * no V8 flags after start, so the desktop app keeps Electron's defaults.
 */
const HOST_V8_FLAGS = Object.freeze(['--max-semi-space-size=16', '--no-allocation-site-pretenuring', '--heap-growing-percent=100']);

/** Above this many bytes of arguments and environment the relaunch is not tried: execve(2) failing aborts Node. */
const EXEC_SIZE_LIMIT = 256 * 1024;

/**
 * NODE_OPTIONS split as Node splits it: on white space, except inside double quotes, where a backslash
 * escapes the next character.
 */
function splitNodeOptions(value) {
  const words = [];
  let word = '';
  let quoted = false;
  let started = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted && c === '\\' && i + 1 < value.length) word += value[++i];
    else if (c === '"') {
      quoted = !quoted;
      started = true;
    } else if (!quoted && /\s/.test(c)) {
      if (started) words.push(word);
      word = '';
      started = false;
    } else {
      word += c;
      started = true;
    }
  }
  if (started) words.push(word);
  return words;
}

/** A V8 flag as V8 reads it: `--max_semi_space_size=16` is `--max-semi-space-size=16`. */
function normaliseFlag(arg) {
  const at = arg.indexOf('=');
  const name = `--${(at < 0 ? arg : arg.slice(0, at)).replace(/^--?/, '').replaceAll('_', '-')}`;
  return at < 0 ? name : `${name}${arg.slice(at)}`;
}

/** The setting a flag is about: its name without a value and without a `no-` (`--no-x` and `--x` set the same). */
const settingOf = (flag) => flag.split('=')[0].replace(/^--no-/, '--');

/** Whether this process runs with exactly the host's flags (the last one given for each setting wins, as in V8). */
function hostFlagsInEffect(execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? '') {
  const given = [...splitNodeOptions(nodeOptions), ...execArgv].filter((arg) => arg.startsWith('-')).map(normaliseFlag);
  return HOST_V8_FLAGS.every((flag) => given.filter((arg) => settingOf(arg) === settingOf(flag)).at(-1) === flag);
}

/**
 * Whether to relaunch, and with what, or why not. Only a plain start is replaced: one the user, a supervisor
 * or a tool shaped in any way is left as it is, because the new image would not be the same program:
 * - Node options of any kind (command line or NODE_OPTIONS): the user manages Node (a chosen heap, -e code
 *   that would run again, a debugger that would stop twice, preloads and profilers that would run twice,
 *   the permission model, which refuses execve);
 * - an IPC channel or a cluster worker: Node removes NODE_CHANNEL_FD from the environment once the channel is
 *   open, so the new image would lose it (fork(), pm2, `node --watch`);
 * - not the program's entry (the bin required by other code), or a script read from stdin;
 * - a coverage directory (NODE_V8_COVERAGE): two images, two reports;
 * - an execPath that cannot be executed, or arguments and environment near the system's limit: a failed
 *   execve(2) aborts Node instead of returning an error.
 */
function relaunchPlan({ isEntry, execArgv, nodeOptions, hasChannel, env, argv, execPath, canExecute }) {
  if (!isEntry) return { relaunch: false, reason: 'not the entry' };
  if (hasChannel || env.NODE_UNIQUE_ID !== undefined) return { relaunch: false, reason: 'an IPC channel' };
  if (execArgv.length > 0 || splitNodeOptions(nodeOptions).length > 0) return { relaunch: false, reason: 'node options given' };
  if (env.NODE_V8_COVERAGE) return { relaunch: false, reason: 'coverage' };
  if (!argv[1] || argv[1] === '-') return { relaunch: false, reason: 'no script file' };
  if (!canExecute(execPath)) return { relaunch: false, reason: 'execPath not executable' };
  const args = [execPath, ...HOST_V8_FLAGS, ...argv.slice(1)];
  const size = [...args, ...Object.entries(env).map(([k, v]) => `${k}=${v}`)].reduce((n, s) => n + Buffer.byteLength(s) + 9, 0);
  if (size > EXEC_SIZE_LIMIT) return { relaunch: false, reason: 'arguments and environment too large' };
  return { relaunch: true, args };
}

/**
 * Replaces this process with one that has the host flags, when it is a plain start (relaunchPlan); returns
 * otherwise, and where Node cannot replace a process (Windows, Node before 22.15): it then runs on V8's
 * defaults. `isEntry`: `require.main === module` of the caller.
 */
function relaunchWithHostFlags(isEntry) {
  if (typeof process.execve !== 'function') return;
  const plan = relaunchPlan({
    isEntry: isEntry === true,
    execArgv: process.execArgv,
    nodeOptions: process.env.NODE_OPTIONS ?? '',
    hasChannel: process.channel !== undefined,
    env: process.env,
    argv: process.argv,
    execPath: process.execPath,
    canExecute: (file) => {
      try {
        accessSync(file, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
  });
  if (plan.relaunch) process.execve(process.execPath, plan.args, process.env);
}

module.exports = { HOST_V8_FLAGS, hostFlagsInEffect, relaunchPlan, relaunchWithHostFlags, splitNodeOptions };
