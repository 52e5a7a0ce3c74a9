import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@core/api': resolve(import.meta.dirname, 'core/api') } },
  test: {
    environment: 'node',
    // Native modules (better-sqlite3) are safest in child processes, one per file.
    pool: 'forks',
    // At least three files at a time, even on a 2-core machine (vitest's default is cores - 1, i.e. one there):
    // most files wait on servers, child processes, PostgreSQL and Chromium rather than compute. On 2 cores, one
    // at a time the suite ran 1,111-1,236 s against a budget of 1,200 s, two 1,116-1,187 s, three 1,040-1,064 s.
    // Tests that bound event-loop delay measure the process's own share (bench/harness.ts maxOwnMs), not the
    // time three files make each other wait for a core. A bigger machine keeps vitest's own default.
    maxWorkers: Math.max(3, availableParallelism() - 1),
    // vitest 5 clears every mock's calls before each test by default; several suites record
    // calls while they set up (a describe body) and assert on them in a test, as vitest 4 allowed.
    clearMocks: false,
    // vitest 5's expect.poll gives up AT its timeout (default 1 s), abandoning a call still in flight;
    // vitest 4 let that call finish and tried once more after it. On a busy machine one Playwright
    // read can take over a second, so the default is 5 s (a test's own timeout still wins).
    expect: { poll: { timeout: 5_000 } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A suite that cannot run a test must fail, never pass quietly.
    passWithNoTests: false,
    allowOnly: false,
    reporters: ['default', './tests/summary-reporter.ts'],
    // Temporary directories a test file made and did not remove go when the file ends (tests/helpers/temp-dir.ts).
    setupFiles: ['./tests/helpers/temp-dir-sweep.ts'],
    // `vitest run --project unit` (npm run test:unit) runs one layer; `vitest run` runs them all.
    projects: ['unit', 'contract', 'integration', 'e2e'].map((name) => ({
      extends: true,
      test: { name, include: [`tests/${name}/**/*.test.ts`] },
    })),
  },
});
