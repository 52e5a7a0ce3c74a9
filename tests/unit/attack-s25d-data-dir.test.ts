import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSyncwarden } from '../../core/app/app';
import { runCli } from '../../core/cli/program';
import { resolveDataDir } from '../../core/store/data-dir';
import { openStore } from '../../core/store/store';
import { isRoot, NOBODY, octalMode, scratchFolders } from '../helpers/other-user';
import { MemorySecretStore } from '../helpers/memory.secret-store';

// Fourth outside look (session 25d) at edd8b70: legitimate setups that must keep working, and one check left out.
const scratch = scratchFolders('syncwarden-attack-s25d-');
const temp = () => scratch.make();
const mode = octalMode;

describe.skipIf(process.platform === 'win32')('attack s25d: regressions of edd8b70', () => {
  afterEach(() => {
    scratch.removeAll();
  });

  // Debian/Ubuntu/Fedora give a user of a private group (uid = gid, group of one) umask 002. Versions before
  // fa85f5c created the data dir AND its missing parents with a bare mkdirSync(recursive): ~/.config 0775. Any
  // `mkdir -p ~/.config` or os.makedirs() under that umask does the same. The group is the user's own: nobody else
  // may write there, yet every start is now refused ("is inside ~/.config, where others may add ..."), and the
  // message says "Fix or move it", not which bit of which folder.
  it('an install made under umask 002 by a version before fa85f5c (~/.config and the data dir 0775, group = our own) still opens', async () => {
    const home = join(temp(), 'home');
    mkdirSync(home, { mode: 0o700 });
    const config = join(home, '.config');
    const dataDir = join(config, 'Syncwarden');
    mkdirSync(dataDir, { recursive: true });
    chmodSync(config, 0o775);
    chmodSync(dataDir, 0o775);
    if (isRoot) chownSync(config, 0, 0); // root's own group
    const app = await createSyncwarden({ dataDir, host: 'cli', secrets: new MemorySecretStore() });
    await app.close();
    expect(mode(dataDir)).toBe('700');
  });

  // scripts/demo.mjs makes `.syncwarden/demo` with a bare mkdirSync(recursive): under umask 002 .syncwarden is 0775,
  // and `npm run demo` now stops at openStore (after it emptied the folder and wrote the marker and the secrets).
  it('npm run demo under umask 002: a checkout 0755, .syncwarden and .syncwarden/demo 0775 (as demo.mjs makes them)', async () => {
    const repo = join(temp(), 'repo');
    mkdirSync(repo, { mode: 0o755 });
    const dot = join(repo, '.syncwarden');
    const dataDir = join(dot, 'demo');
    mkdirSync(dataDir, { recursive: true });
    chmodSync(dot, 0o775);
    chmodSync(dataDir, 0o775);
    writeFileSync(join(dataDir, 'product.db'), ''); // the demo's app DB, written before openStore
    const store = await openStore(dataDir);
    await store.close();
  });

  // XDG: "If $XDG_CONFIG_HOME is either not set or empty, $HOME/.config should be used"; a relative one is invalid.
  // An empty one made the data dir `Syncwarden` in the current folder (wherever the CLI was run).
  it('an empty or relative XDG_CONFIG_HOME does not put the data dir in the current folder', () => {
    expect(resolveDataDir({ env: { XDG_CONFIG_HOME: '' }, platform: 'linux', home: '/home/ada' })).toBe('/home/ada/.config/Syncwarden');
    expect(resolveDataDir({ env: { XDG_CONFIG_HOME: 'cfg' }, platform: 'linux', home: '/home/ada' })).toBe('/home/ada/.config/Syncwarden');
  });

  // edd8b70 says "store init/status check the data dir": status does only for a postgres:// location. For the SQLite
  // store it reads the pointer of, and opens syncwarden.db in, a data dir it refuses everywhere else.
  it.skipIf(!isRoot)('store status refuses a shared data dir, as every other command does, before reading its pointer', async () => {
    const shared = join(temp(), 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    writeFileSync(join(shared, 'notes.txt'), 'x');
    const theirs = join(temp(), 'theirs');
    mkdirSync(theirs);
    chownSync(theirs, NOBODY, NOBODY);
    const pointer = join(shared, 'store-location.json');
    writeFileSync(pointer, JSON.stringify({ store: theirs }));
    chownSync(pointer, NOBODY, NOBODY);
    expect(await runCli(['--data-dir', shared, 'runs', 'list'])).toBe(2);
    process.exitCode = undefined;
    expect(await runCli(['--data-dir', shared, '--json', 'store', 'status'])).toBe(2);
    process.exitCode = undefined;
  });
});
