import { afterEach, describe, expect, it } from 'vitest';
import type { FaultScript } from '../emulators/shared/faults';
import { foreignFault } from '../emulators/shared/faults';
import { TEST_CLIENT } from '../emulators/google/test-support';
import { Prng } from '../helpers/prng';
import { inbox, openMailWorld, type MailWorld } from './mail-import.setup';

/**
 * Property (DESIGN §4.2), over random worlds and random faults, seeded and
 * bounded: after every run,
 * - a user newly flagged needs_reconnect is one whose grant the token
 *   endpoint refused (revoked this round) — never for a foreign answer, an
 *   outage, a refused call or the admin's refused client;
 * - a run fails only for the connection's refused client, and then flags nobody new;
 * - every user whose import worked is not flagged (a flag from before is cleared);
 * - a run with a failed or newly refused user ends `partial` naming them, never `succeeded` (§4.6).
 * Faults that could hit any user (route faults) are all of kinds that must
 * never flag; the user's own fault (a revoked grant) is set per user.
 */
let world: MailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const SEEDS = [7, 2026, 31];
const ROUNDS = 5;
const GMAIL_ROUTES = ['gmail.profile.get', 'gmail.messages.list', 'gmail.messages.get', 'gmail.history.list'];
const authEnvelope = { error: { code: 401, message: 'Invalid Credentials', errors: [{ reason: 'authError', domain: 'global', message: 'Invalid Credentials' }] } };
const forbiddenEnvelope = { error: { code: 403, message: 'Domain policy', errors: [{ reason: 'domainPolicy', domain: 'global', message: 'Domain policy' }] } };

/** A fault no user can be blamed for, on a random route; `times` stays small so the policy's retries absorb or end it quickly. */
function randomFault(r: Prng): { route: string; script: FaultScript } {
  const route = r.pick([...GMAIL_ROUTES, 'oauth.token']);
  const options: FaultScript[] = [
    foreignFault('html', 404, { times: 1 }),
    foreignFault('empty', 404, { times: 1 }),
    foreignFault('json', 404, { times: 1 }),
    foreignFault('html', 502, { times: 1 }),
    { status: 503, body: 'Service Unavailable', times: 1 },
    ...(route === 'oauth.token' ? [] : [{ status: 401, body: authEnvelope, times: 2 }, { status: 403, body: forbiddenEnvelope, times: 1 }]),
  ];
  return { route, script: r.pick(options) };
}

async function flagsOf(w: MailWorld, users: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const id of users) if (await w.needsReconnect(`u-${id}`)) out.add(id);
  return out;
}

describe('mail-import flagging invariant (seeded property)', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: only a revoked grant flags a user, and a user whose import works is unflagged`, async () => {
      const r = new Prng(seed);
      const users = Array.from({ length: r.int(2, 4) }, (_, i) => `p${i}`);
      world = await openMailWorld(users.map((id) => ({ id, messages: inbox(id, r.int(0, 3)) })));
      const w = world;
      const grant = new Map(users.map((id) => [id, `1//refresh-${id}`]));
      const revoked = new Set<string>();
      if (r.chance(0.5)) await w.db.execute('UPDATE storage_accounts SET needs_reconnect = ?', [true]); // left over from an old run

      for (let round = 0; round < ROUNDS; round++) {
        const before = await flagsOf(w, users);
        for (const id of users) {
          if (!revoked.has(id) && r.chance(0.25)) {
            w.emulator.revokeRefreshToken(grant.get(id) as string);
            revoked.add(id);
          } else if (revoked.has(id) && r.chance(0.4)) {
            // The user reconnects: a new grant in the product's row; the flag is left for the engine to clear.
            const token = `1//refresh-${id}-r${round}`;
            w.emulator.grantRefreshToken(id, token);
            await w.db.execute('UPDATE storage_accounts SET refresh_token = ?, access_token = NULL, token_expires_at = NULL WHERE user_id = ?', [token, `u-${id}`]);
            grant.set(id, token);
            revoked.delete(id);
          }
        }
        if (r.chance(0.6)) w.emulator.expireAccessTokens();
        const badClient = r.chance(0.2);
        if (badClient) w.emulator.setClientSecret(TEST_CLIENT.clientId, `wrong-${round}`);
        for (let i = r.int(0, 3); i > 0; i--) {
          const { route, script } = randomFault(r);
          w.emulator.fault(route, script);
        }

        const run = await w.run();
        const after = await flagsOf(w, users);
        const context = `seed ${seed} round ${round} (revoked: ${[...revoked].join(',')}; badClient: ${badClient})`;

        for (const id of after) if (!before.has(id)) expect(revoked.has(id), `${context}: ${id} newly flagged`).toBe(true);
        if (run.state === 'failed') {
          expect(run.error?.code, context).toBe('connection-misconfigured');
          expect(badClient, context).toBe(true);
          for (const id of after) expect(before.has(id), `${context}: ${id} flagged by a failed run`).toBe(true);
        } else {
          const perUser = run.result?.perUser as { userId: string; outcome: string }[];
          // DESIGN §4.6: a user whose import failed, or whose grant was refused in this run (not flagged before), is a
          // failed item; any of them and the run is `partial`, never `succeeded`.
          const failed = perUser.filter((p) => p.outcome === 'failed' || (p.outcome === 'needs-reconnect' && !before.has(p.userId.slice(2))));
          expect(run.state, context).toBe(failed.length > 0 ? 'partial' : 'succeeded');
          expect(run.result?.itemsFailed, context).toBe(failed.length);
          expect(((run.result?.failedItems ?? []) as { item: string }[]).map((f) => f.item).sort(), context).toEqual(failed.map((p) => `${p.userId.slice(2)}@example.com`).sort());
          for (const report of perUser) {
            const id = report.userId.slice(2);
            if (report.outcome === 'imported') expect(after.has(id), `${context}: ${id} imported but still flagged`).toBe(false);
            if (report.outcome === 'needs-reconnect') expect(revoked.has(id), `${context}: ${id} flagged without a revoked grant`).toBe(true);
          }
        }
        w.emulator.setClientSecret(TEST_CLIENT.clientId, TEST_CLIENT.clientSecret);
        w.emulator.clearFaults();
      }
    }, 30_000);
  }
});
