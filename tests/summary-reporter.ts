import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/**
 * Ends every test run with one plain line, `N passed, N failed` (plus
 * `, N skipped`), which CI reads. A file that could not run any test counts
 * as failed, and a skipped test fails the run: nothing is skipped silently.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[], unhandledErrors: readonly SerializedError[]): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const module of testModules) {
      let ran = 0;
      let anyFailed = false;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') {
          failed++;
          anyFailed = true;
        } else skipped++;
        ran++;
      }
      // A file that failed to load, or declared no test, cannot prove anything: it counts as a failure.
      if (ran === 0 || (module.state() === 'failed' && !anyFailed)) failed++;
    }
    if (skipped > 0) process.exitCode = 1;
    if (failed > 0) process.exitCode = 1;
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}
