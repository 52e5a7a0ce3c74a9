/**
 * Offline checks of electron-builder.yml (packaging itself needs the internet, see
 * toolchain.md): the file loads and passes electron-builder's own schema validation, the
 * app identity is right, native addons are unpacked from the asar by electron-builder's own
 * matcher, and the icons it points at exist at the sizes the platforms need.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Configuration } from 'app-builder-lib';
import { getFileMatchers } from 'app-builder-lib/out/fileMatcher';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger, setPrinter } from 'builder-util';
import type { FilterStats } from 'builder-util/out/fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(__dirname, '../..');
let config: Configuration;

beforeAll(async () => {
  setPrinter(() => {}); // electron-builder logs "loaded configuration" on stdout
  config = await getConfig(repoRoot, null, null);
});

afterAll(() => setPrinter(null));

/** Does electron-builder's own matcher for `files` / `asarUnpack` take this path? Mirrors platformPackager. */
function matches(kind: 'files' | 'asarUnpack', relPath: string): boolean {
  const matchers = getFileMatchers(config, kind, '/app', {
    macroExpander: (pattern) => pattern,
    customBuildOptions: config.linux ?? {},
    globalOutDir: join(repoRoot, 'release'),
    defaultSrc: repoRoot,
  });
  const filter = matchers?.[0]?.createFilter();
  if (!filter) return false;
  const stat = { isDirectory: () => false } as FilterStats;
  return filter(join(repoRoot, relPath), stat);
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(relPath: string): { width: number; height: number } {
  const buf = readFileSync(join(repoRoot, relPath));
  expect(buf.subarray(1, 4).toString('ascii')).toBe('PNG');
  expect(buf.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it('loads from the repo root and passes electron-builder schema validation', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('names the app', () => {
    expect(config.appId).toBe('app.syncwarden.console');
    expect(config.productName).toBe('Syncwarden');
    expect(config.directories).toMatchObject({ output: 'release', buildResources: 'resources' });
  });

  it('rejects a misspelt key, so validation is really running', async () => {
    const misspelt = { ...config, productNam: 'Syncwarden' } as Configuration;
    await expect(validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(/unknown property 'productNam'/);
  });

  it('unpacks native .node addons (better-sqlite3, keytar) from the asar, and nothing of ours', () => {
    expect(config.asar).not.toBe(false);
    expect(matches('asarUnpack', 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(true);
    expect(matches('asarUnpack', 'node_modules/keytar/build/Release/keytar.node')).toBe(true);
    expect(matches('asarUnpack', 'out/main/index.js')).toBe(false);
    expect(matches('asarUnpack', 'node_modules/zod/index.js')).toBe(false);
  });

  it('packs the electron-vite output and package.json, not sources or source maps', () => {
    expect(matches('files', 'out/main/index.js')).toBe(true);
    expect(matches('files', 'out/renderer/index.html')).toBe(true);
    expect(matches('files', 'package.json')).toBe(true);
    expect(matches('files', 'out/main/index.js.map')).toBe(false);
    expect(matches('files', 'electron/main/index.ts')).toBe(false);
    expect(matches('files', 'core/store/store.ts')).toBe(false);
  });

  it('targets AppImage + deb, dmg and nsis with the platform metadata set', () => {
    expect(config.linux).toMatchObject({ target: ['AppImage', 'deb'], category: 'Utility' });
    expect(config.linux?.maintainer).toMatch(/<[^>]+@[^>]+>/); // deb needs a maintainer with an e-mail
    expect(config.mac).toMatchObject({ target: ['dmg'], category: 'public.app-category.developer-tools', hardenedRuntime: true });
    expect(config.win).toMatchObject({ target: ['nsis'] });
  });

  it('points at an app icon of 512x512 in buildResources', () => {
    expect(config.icon).toBe('icon.png');
    expect(pngSize('resources/icon.png')).toEqual({ width: 512, height: 512 });
  });

  it('ships the tray images as extra resources, including the macOS template pair', () => {
    expect(config.extraResources).toEqual([
      { from: 'resources/tray', to: 'tray', filter: ['**/*.png'] },
      { from: 'resources/icon.png', to: 'icon.png' },
    ]);
    expect(pngSize('resources/tray/trayTemplate.png')).toEqual({ width: 16, height: 16 });
    expect(pngSize('resources/tray/trayTemplate@2x.png')).toEqual({ width: 32, height: 32 });
    expect(pngSize('resources/tray/tray.png')).toEqual({ width: 32, height: 32 });
    expect(existsSync(join(repoRoot, 'scripts/make-icons.mjs'))).toBe(true);
  });
});
