/** Documented exit codes of the `syncwarden` CLI (also printed by --help). */
export const EXIT = {
  ok: 0,
  /** An unexpected error; details are in the log. */
  error: 1,
  /** Bad arguments or input. */
  usage: 2,
  /** The console store cannot be opened (newer version, unreadable). */
  store: 3,
  /** A run it waited for ended partial (some items failed), failed, cancelled or interrupted. */
  runNotSucceeded: 4,
  /** `connections test`: the service refused or could not be reached. */
  checkFailed: 5,
  /** Stopped by Ctrl-C. */
  interrupted: 130,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    unexpected error (see the log in <data-dir>/logs)
  2    invalid arguments or input
  3    the console store cannot be opened (for example written by a newer Syncwarden)
  4    a run that was waited for did not succeed (partial, failed, cancelled or interrupted)
  5    a connection test failed (connections test)
  130  stopped by Ctrl-C`;
