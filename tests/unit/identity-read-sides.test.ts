import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SupabaseAuthConnector } from '../../core/connectors/supabase/supabase-auth.connector';
import type { SupabaseUserPage } from '../../core/connectors/supabase/supabase-user';
import type { EngineContext } from '../../core/engines/engine';
import { checkIdentities } from '../../core/engines/identity/identity-check';
import type { LocalUsers } from '../../core/engines/identity/identity-local';
import type { IdentityRecord } from '../../core/engines/identity/identity-model';
import type { ProgressReporter } from '../../core/runs/progress';

/*
 * The check reads the users table and lists Supabase at the same time (identity-check.ts readSides). Either
 * side's failure must stop the other before the check fails (no read or write into a scratch file that is
 * being removed), the caller must get the failing side's own error, and no scratch file may stay behind.
 */

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
const row = (n: number): IdentityRecord => ({ id: `0000${String(n).padStart(4, '0')}-0000-4000-8000-000000000000`, email: `u${n}@example.com`, name: null, emailVerified: true, role: 'user' });
const page = (from: number): SupabaseUserPage =>
  ({ users: Array.from({ length: 10 }, (_, i) => ({ ...row(from + i), appMetadata: {}, deleted: false, bannedUntil: null })), total: 1_000_000 }) as unknown as SupabaseUserPage;

function fakes(options: { localFailsAfter?: number; listingFailsAfter?: number }) {
  const events: string[] = [];
  const local = {
    async *stream() {
      try {
        for (let chunk = 0; ; chunk++) {
          if (chunk === options.localFailsAfter) throw new Error('the users table went away');
          await tick();
          yield [row(chunk)];
        }
      } finally {
        events.push('local stopped');
      }
    },
  } as unknown as LocalUsers;
  const remote = {
    async *listAllUsers(signal: AbortSignal) {
      try {
        for (let n = 0; ; n++) {
          if (n === options.listingFailsAfter) throw new Error('GoTrue answered 503');
          await tick();
          signal.throwIfAborted();
          yield page(n * 10);
        }
      } finally {
        events.push('listing stopped');
      }
    },
  } as unknown as SupabaseAuthConnector;
  const phases: string[] = [];
  const messages: string[] = [];
  const progress: ProgressReporter = {
    phase: (id) => void phases.push(id),
    advance: () => undefined,
    update: (fields) => void (fields.message && messages.push(fields.message)),
    count: () => undefined,
  };
  return { local, remote, events, phases, messages, progress };
}

// The check's scratch directory goes under TMPDIR: a private one per test shows what it left.
let privateTmp: string;
let savedTmp: string | undefined;
beforeEach(() => {
  savedTmp = process.env.TMPDIR;
  privateTmp = mkdtempSync(join(tmpdir(), 'read-sides-'));
  process.env.TMPDIR = privateTmp;
});
afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(privateTmp, { recursive: true, force: true });
});
const scratchDirs = () => readdirSync(privateTmp);

/** The check over the fake sides (its context is never reached: both failures come while reading). */
const checkBoth = (world: ReturnType<typeof fakes>, mode: 'check' | 'validate', signal: AbortSignal) =>
  checkIdentities({ mode, sourceOfTruth: 'appdb', remoteOnly: 'ban', local: world.local, remote: world.remote }, {} as EngineContext, { signal, progress: world.progress });

describe('reading both sides at once', () => {
  it('a users table that fails stops the listing first, and the check fails with the table’s error', async () => {
    const world = fakes({ localFailsAfter: 5 });
    const check = checkBoth(world, 'check', new AbortController().signal);
    await expect(check).rejects.toThrow('the users table went away');
    expect(world.events.sort()).toEqual(['listing stopped', 'local stopped']);
    expect(world.phases).toEqual(['read']);
    expect(world.messages.some((m) => /rows read; .* Supabase users listed/.test(m))).toBe(true);
    expect(scratchDirs()).toEqual([]);
  });

  it('a listing that fails stops the table read first, and the check fails with the listing’s error', async () => {
    const world = fakes({ listingFailsAfter: 3 });
    const check = checkBoth(world, 'validate', new AbortController().signal);
    await expect(check).rejects.toThrow('GoTrue answered 503');
    expect(world.events.sort()).toEqual(['listing stopped', 'local stopped']);
    expect(scratchDirs()).toEqual([]);
  });

  it('a cancel stops both sides', async () => {
    const world = fakes({});
    const controller = new AbortController();
    const check = checkBoth(world, 'check', controller.signal);
    await tick();
    controller.abort(new Error('cancelled by the admin'));
    await expect(check).rejects.toThrow('cancelled by the admin');
    expect(world.events.sort()).toEqual(['listing stopped', 'local stopped']);
  });
});
