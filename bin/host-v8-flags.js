'use strict';
/**
 * V8 settings of the headless host (the CLI, `syncwarden serve`, workers, the daemon) and of the benches,
 * which measure that host. They can only be given when a process starts, so a process started without them
 * replaces itself (execve: same pid, same stdio, same signals) with one that has them.
 *
 * --max-semi-space-size=16: the young generation stops at 2 x 16 MB. Node's default on 64-bit without
 * pointer compression is 2 x 64 MB, and V8 grows to it in any long run that allocates steadily (every engine
 * at a million rows), which was about 80 MB of a million-user identity check's 330 MB peak. With it the check
 * peaked at 251-254 MB and ran no slower (docs/performance.md, seventh pass). Electron's V8 has pointer
 * compression, and its default limit is already half Node's; its main process cannot take V8 flags after
 * start, so the desktop app keeps Electron's default.
 */
const HOST_V8_FLAGS = Object.freeze(['--max-semi-space-size=16']);

/** A flag's name, as V8 reads it (`--max_semi_space_size` is `--max-semi-space-size`), without its value. */
const flagName = (flag) => `--${flag.split('=')[0].replace(/^--?/, '').replaceAll('_', '-')}`;

/**
 * The flags this process lacks: none when it was started with them, or when the user set one of them
 * (on the command line or in NODE_OPTIONS), whose choice wins.
 */
function missingHostFlags(execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? '') {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)];
  return HOST_V8_FLAGS.filter((flag) => !given.some((arg) => arg.startsWith('-') && flagName(arg) === flagName(flag)));
}

/**
 * Restarts this process in place with the host flags it lacks. Returns when nothing is missing, or when this
 * Node cannot replace a process (Windows, Node before 22.15): the process then runs on V8's defaults.
 */
function relaunchWithHostFlags() {
  const missing = missingHostFlags();
  if (missing.length === 0 || typeof process.execve !== 'function') return;
  try {
    process.execve(process.execPath, [process.execPath, ...process.execArgv, ...missing, ...process.argv.slice(1)], process.env);
  } catch {
    // Not replaced (an odd execPath, a sandbox refusing exec): run on V8's defaults rather than not at all.
  }
}

module.exports = { HOST_V8_FLAGS, missingHostFlags, relaunchWithHostFlags };
