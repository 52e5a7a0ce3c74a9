import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { gotrueFault, rateLimitFault, startSupabaseEmulator, SUPABASE_ROUTES, type GoTrueUser } from '../emulators/supabase/supabase.emulator';
import { Prng } from '../helpers/prng';
import { createTestApp } from '../helpers/test-app';
import { makeTempDir } from '../helpers/temp-dir';
import { addIdentityConnections, confirmedAll } from '../helpers/identity-world';

const KEYS = { serviceRoleKey: 'service-key', anonKey: 'anon-key' };
const WORLDS = 24;
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const dir = makeTempDir();
afterAll(() => dir.remove());

type Case = 'same' | 'renamed' | 'local-only' | 'local-only-not-uuid' | 'remote-only' | 'remote-banned' | 'soft-deleted' | 're-signup' | 'case-duplicate';
const CASES: readonly Case[] = ['same', 'renamed', 'local-only', 'local-only-not-uuid', 'remote-only', 'remote-banned', 'soft-deleted', 're-signup', 'case-duplicate'];
const WRITE_ROUTES = [SUPABASE_ROUTES.create, SUPABASE_ROUTES.update, SUPABASE_ROUTES.delete, SUPABASE_ROUTES.get] as const;

/**
 * Random user worlds on both sides (case variants, soft-deleted, banned,
 * re-signups, missing and extra users) and random GoTrue faults (429, 5xx
 * with GoTrue's body, a proxy's HTML 404, an empty 404). Whatever happens:
 * - no repair bans or deletes a Supabase user the source of truth (the users table) has;
 * - no repair deletes a row whose user Supabase has (Supabase as truth);
 * - no duplicate user is created on either side;
 * - a run with any failed item never ends `succeeded`.
 */
describe('identity repair properties over random worlds and faults (seeded)', () => {
  it(`holds its safety invariants in ${WORLDS} worlds`, async () => {
    const random = new Prng(20261202);
    // What the worlds exercised, so a test that stopped reaching a case fails instead of passing vacuously.
    const seen = { partial: 0, succeeded: 0, bans: 0, creates: 0, manual: 0 };
    for (let world = 0; world < WORLDS; world++) {
      const path = join(dir.path, `product-${world}.db`);
      const db = openSqliteAppDb({ path, create: true });
      await initCanonicalSchema(db);
      const emulator = await startSupabaseEmulator({ ...KEYS, users: [] });
      const app = await createTestApp();
      try {
        const truth = random.chance(0.25) ? 'supabase' : 'appdb';
        const rows: [string, string, string, number, string][] = [];
        let n = world * 100;
        for (let person = 0; person < random.int(3, 9); person++) {
          n += 2;
          const email = `p${n}@example.com`;
          const kind = random.pick(CASES);
          const remote = (id: string, extra: Record<string, unknown> = {}) =>
            emulator.addUser({ id, email, user_metadata: { full_name: `P ${n}` }, app_metadata: { role: 'user' }, ...extra });
          if (kind !== 'remote-only' && kind !== 'remote-banned') rows.push([kind === 'local-only-not-uuid' ? `row-${n}` : uuid(n), email, `P ${n}`, 0, 'user']);
          if (kind === 'same') remote(uuid(n));
          if (kind === 'renamed') remote(uuid(n), { user_metadata: { full_name: `Other ${n}` } });
          if (kind === 'remote-only') remote(uuid(n));
          if (kind === 'remote-banned') remote(uuid(n), { banned_until: '2999-01-01T00:00:00Z' });
          if (kind === 'soft-deleted') remote(uuid(n), { deleted_at: '2026-01-01T00:00:00Z' });
          if (kind === 're-signup') remote(uuid(n + 1));
          if (kind === 'case-duplicate') {
            rows.push([uuid(n + 1), email.toUpperCase(), `P ${n} twin`, 0, 'user']);
            if (random.chance(0.5)) remote(uuid(n));
          }
        }
        await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', rows);
        const initial = new Map(emulator.listUsers().map((u) => [u.id, { ...u }]));
        const localEmails = new Set(rows.map((r) => r[1].toLowerCase()));
        const localIds = new Set(rows.map((r) => r[0].toLowerCase()));

        await addIdentityConnections(app, path, emulator.url, KEYS.serviceRoleKey);
        const run = async (params: Record<string, unknown>) => (await app.runs.waitFor((await app.runs.start('identity', { retryInitialDelayMs: 1, ...params }, 'manual')).runId)) as Run;
        const check = await run({ mode: 'check', sourceOfTruth: truth });
        expect(check.state, JSON.stringify(check.error)).toBe('succeeded');

        for (const route of WRITE_ROUTES) {
          const fault = random.pick([
            null,
            rateLimitFault(random.int(1, 3), 0),
            { ...gotrueFault(500, 'unexpected_failure', 'Database error'), probability: 0.5 },
            { status: 404, body: '<html><body>404 Not Found</body></html>', headers: { 'content-type': 'text/html' }, probability: 0.5 },
            { status: 404, body: '', probability: 0.5 },
            { status: 502, body: '', probability: 0.3 },
            // Lasting: GoTrue's own refusal once, and an outage past every retry.
            { ...gotrueFault(422, 'email_exists', 'A user with this email address has already been registered'), times: 1 },
            gotrueFault(503, 'unexpected_failure', 'Service unavailable'),
          ]);
          if (fault) emulator.fault(route, fault);
        }
        const plan = await app.handlers['identity.plan']({ all: true }, { actor: 'manual' } as never);
        const removals = (plan.counts['ban-remote'] ?? 0) + (plan.counts['delete-remote'] ?? 0) + (plan.counts['delete-local'] ?? 0);
        const repair = await run(await confirmedAll(app, { mode: 'repair', all: true, confirmDeletes: removals  }));
        if (repair.state === 'partial') seen.partial++;
        if (repair.state === 'succeeded') seen.succeeded++;
        const actions = (repair.result?.actions ?? {}) as Record<string, number>;
        seen.bans += actions['ban-remote'] ?? 0;
        seen.creates += actions['create-remote'] ?? 0;
        seen.manual += Number(repair.result?.manual ?? 0);
        const context = `world ${world} (${truth}): ${JSON.stringify(repair.result ?? repair.error)}`;

        // Honest outcomes: any failed item means not `succeeded`.
        const failed = Number(repair.result?.failed ?? 0);
        if (failed > 0) expect(repair.state, context).not.toBe('succeeded');
        if (repair.state === 'succeeded') expect(repair.result?.itemsFailed, context).toBe(0);

        emulator.clearFaults();
        const after = emulator.listUsers();
        const finalRows = (await db.query('SELECT id, email FROM users')) as { id: string; email: string }[];
        for (const user of after) {
          const before = initial.get(user.id);
          const newlyBanned = Boolean(user.banned_until) && !before?.banned_until;
          const newlyDeleted = Boolean(user.deleted_at) && !before?.deleted_at;
          if (!newlyBanned && !newlyDeleted) continue;
          // Only a Supabase-only user (no row by id, none by email) may be banned or deleted.
          const email = (before?.email ?? '').toLowerCase();
          expect(localIds.has(user.id) || localEmails.has(email), `${context}: ${user.id} banned/deleted though the users table has it`).toBe(false);
        }
        // No duplicate: one live Supabase user per email; one row per email the table did not already duplicate.
        expect(duplicates(after.filter((u) => !u.deleted_at).map((u) => u.email)), context).toEqual([]);
        const initialRowDuplicates = duplicates(rows.map((r) => r[1].toLowerCase()));
        expect(duplicates(finalRows.map((r) => r.email.toLowerCase())).filter((e) => !initialRowDuplicates.includes(e)), context).toEqual([]);
        // Supabase as truth: a row is only deleted when Supabase has no live user with its id or email.
        if (truth === 'supabase') {
          const live = new Set(after.filter((u) => !u.deleted_at).flatMap((u: GoTrueUser) => [u.id, u.email]));
          for (const row of rows) {
            if (finalRows.some((r) => r.id === row[0])) continue;
            expect(live.has(row[0]) || live.has(row[1].toLowerCase()), `${context}: row ${row[0]} deleted though Supabase has it`).toBe(false);
          }
        }
      } finally {
        await app.dispose();
        await emulator.close();
        await db.close();
      }
    }
    expect(seen.partial).toBeGreaterThan(0);
    expect(seen.succeeded).toBeGreaterThan(0);
    expect(seen.bans).toBeGreaterThan(0);
    expect(seen.creates).toBeGreaterThan(0);
    expect(seen.manual).toBeGreaterThan(0);
  }, 120_000);
});

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const value of values) (seen.has(value) ? twice : seen).add(value);
  return [...twice];
}
