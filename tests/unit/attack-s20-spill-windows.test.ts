import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { IdentityRecord } from '../../core/engines/identity/identity-model';
import { IdentitySpill } from '../../core/engines/identity/identity-spill';
import { uuidOf as uuid } from '../helpers/identity-worlds';
import { openFilesUnder } from '../helpers/open-files';

/*
 * Outside attack (s20) on 03bfd5d: the consequence on Windows (an nsis target, electron-builder.yml) of close()
 * returning while the local side's worker still has local.db open. SQLite's win32 VFS opens its files without
 * FILE_SHARE_DELETE, so removing a file another handle holds fails (EBUSY/EPERM) and Node's rm does not retry
 * (maxRetries 0). That rule is modelled here on Linux: rm of the scratch directory fails while this process holds
 * a file in it (/proc/self/fd).
 */


vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    rm: async (path: string, options?: Parameters<typeof real.rm>[1]) => {
      const held = openFilesUnder(String(path));
      if (held.length > 0) throw Object.assign(new Error(`EBUSY: resource busy or locked, unlink '${held[0]}'`), { code: 'EBUSY' });
      return real.rm(path, options);
    },
  };
});

const users = (n: number): IdentityRecord[] => Array.from({ length: n }, (_, i) => ({ id: uuid((i * 7919) % 1e9), email: `u${(i * 104729) % n}@example.com`, name: 'N', emailVerified: true, role: 'user' }));

describe.runIf(process.platform === 'linux')('s20: close() during the local build, under Windows file sharing', () => {
  it('a check cancelled (or failed) while the users table side is indexed: close() still removes the scratch directory', async () => {
    const spill = new IdentitySpill(0);
    const dir = dirname(spill.db.name);
    try {
      const rows = users(300_000);
      for (let i = 0; i < rows.length; i += 5000) spill.addLocal(rows.slice(i, i + 5000));
      spill.endLocal();
      await new Promise((resolve) => setTimeout(resolve, 120));
      // checkIdentities closes the spill in its finally: a rejection here replaces the cancel (or the listing's
      // error) as the run's error, and leaves the half-gigabyte directory until this process has exited.
      await expect(spill.close()).resolves.toBeUndefined();
      expect(existsSync(dir)).toBe(false);
    } finally {
      // Let the worker finish, then really remove what it left.
      for (let i = 0; i < 500 && openFilesUnder(dir).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      await (await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises')).rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
