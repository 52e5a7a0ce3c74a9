/**
 * Electron fuses at packaging, checked offline: electron-builder.yml wires the
 * afterPack hook (and sets no `electronFuses`, which electron-builder would
 * apply after the hook and so override it), the hook's config flips exactly
 * the five fuses of the checklist and --inspect, and run through electron-builder's own
 * `addElectronFuses` with @electron/fuses it rewrites a fuse wire the way it
 * would in the packaged Electron binary (a stand-in file with the sentinel).
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';
import { PlatformPackager, type Configuration } from 'app-builder-lib';
import { getConfig } from 'app-builder-lib/out/util/config/config';
import { resolveFunction } from 'app-builder-lib/out/util/resolve';
import { setPrinter } from 'builder-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir';

interface AfterPackModule {
  (context: unknown): Promise<void>;
  FUSES: Record<string, boolean>;
  fuseConfig(platform: string): Record<string | number, unknown>;
}

const repoRoot = resolve(__dirname, '../..');
const hook = createRequire(import.meta.url)(join(repoRoot, 'scripts/after-pack.cjs')) as AfterPackModule;
// @electron/fuses' constants (not exported from its index): the wire follows this marker; '1' on, '0' off.
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FuseState = { ENABLE: 0x31, DISABLE: 0x30 } as const;
let config: Configuration;
const dir = makeTempDir('syncwarden-fuses-');

beforeAll(async () => {
  setPrinter(() => {});
  config = await getConfig(repoRoot, null, null);
});
afterAll(() => {
  setPrinter(null);
  dir.remove();
});

/** Electron's default wire (docs "Electron Fuses"): RunAsNode on, cookies off, NODE_OPTIONS on, inspect on, integrity off, asar-only off, snapshot off, file privileges on. */
function fakeElectronBinary(path: string): void {
  const on = FuseState.ENABLE;
  const off = FuseState.DISABLE;
  const wire = [on, off, on, on, off, off, off, on];
  writeFileSync(path, Buffer.concat([Buffer.from('ELF…padding…'), Buffer.from(SENTINEL), Buffer.from([1, wire.length, ...wire]), Buffer.from('…rest')]));
}

describe('Electron fuses at packaging', () => {
  it('electron-builder.yml runs scripts/after-pack.cjs and leaves electronFuses unset', async () => {
    expect(config.afterPack).toBe('./scripts/after-pack.cjs');
    expect(config.electronFuses).toBeUndefined();
    // electron-builder resolves the hook to our function (its own resolver, from the repo root).
    const resolved = await resolveFunction(undefined, config.afterPack as string, 'afterPack', repoRoot);
    expect(resolved).toBe(hook);
  });

  it('sets run-as-node, NODE_OPTIONS and --inspect off, asar-only, asar integrity and cookie encryption on, nothing else', () => {
    expect(hook.FUSES).toEqual({ RunAsNode: false, EnableNodeOptionsEnvironmentVariable: false, EnableNodeCliInspectArguments: false, OnlyLoadAppFromAsar: true, EnableEmbeddedAsarIntegrityValidation: true, EnableCookieEncryption: true });
    expect(hook.fuseConfig('linux')).toEqual({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.EnableCookieEncryption]: true,
    });
    // macOS re-signs ad hoc after flipping (arm64 binaries would not start otherwise).
    expect(hook.fuseConfig('darwin')).toMatchObject({ resetAdHocDarwinSignature: true });
    expect(hook.fuseConfig('win32')).not.toHaveProperty('resetAdHocDarwinSignature');
  });

  it('through electron-builder’s addElectronFuses, flips the wire of the packaged binary', async () => {
    const binary = join(dir.path, 'Syncwarden.exe');
    fakeElectronBinary(binary);
    // electron-builder's own method, on a packager that names the executable as for Windows.
    const packager = Object.assign(Object.create(PlatformPackager.prototype) as PlatformPackager<never>, { appInfo: { productFilename: 'Syncwarden' } });
    await hook({ appOutDir: dir.path, electronPlatformName: 'win32', packager });
    const wire = await getCurrentFuseWire(binary);
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    // Untouched: Electron's defaults.
    expect(wire[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FuseState.ENABLE);
  });
});
