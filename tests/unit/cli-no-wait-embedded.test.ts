import { afterAll, expect, it, vi } from 'vitest';
import { runCli } from '../../core/cli/program';
import { createEngineRegistry } from '../../core/engines/registry';
import { openStore } from '../../core/store/store';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('syncwarden-nowait-embedded-');
afterAll(() => dir.remove());

/**
 * --no-wait hands a run to a background process of the CLI (core/cli/background-run.ts). A host that embeds the
 * CLI with its own engines cannot: another process would not have them. It then refuses --no-wait as a usage
 * error naming what to do, and starts nothing, instead of announcing a run its own exit would cancel.
 */
it('an embedded CLI refuses --no-wait on a run it would execute itself, and starts nothing', async () => {
  let stderr = '';
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  process.exitCode = undefined;
  try {
    const code = await runCli(['--data-dir', dir.path, 'runs', 'start', 'demo', '--no-wait'], { engines: createEngineRegistry({ withDemoEngine: true }).list() });
    expect(code).toBe(2);
    expect(stderr).toMatch(/--no-wait cannot hand this run to a background process here: wait for it \(leave out --no-wait\)/);
  } finally {
    process.exitCode = undefined;
    err.mockRestore();
  }
  const store = await openStore(dir.path);
  try {
    expect((await store.runs.list({ limit: 10, offset: 0 })).items).toEqual([]);
  } finally {
    await store.close();
  }
});
