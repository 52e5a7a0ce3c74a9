import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { FuseV1Options } from '@electron/fuses';
import { describe, expect, it } from 'vitest';

/**
 * RunAsNode and NODE_OPTIONS are off so that nobody can run their own code as
 * the signed app (its keychain entries, macOS privacy grants). `--inspect` /
 * `--inspect-brk` on the command line (or SIGUSR1 on a running app) opens the
 * main process to a debugger that evaluates any code there: the same door,
 * left open unless EnableNodeCliInspectArguments is off too.
 */
const hook = createRequire(import.meta.url)(join(resolve(__dirname, '../..'), 'scripts/after-pack.cjs')) as { fuseConfig(platform: string): Record<string | number, unknown> };

describe('the packaged app cannot be driven by a debugger from the command line', () => {
  it.each(['linux', 'win32', 'darwin'])('%s: EnableNodeCliInspectArguments off', (platform) => {
    expect(hook.fuseConfig(platform)[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(hook.fuseConfig(platform)[FuseV1Options.RunAsNode]).toBe(false);
  });
});
