import { afterEach, describe, expect, it } from 'vitest';
import type { MessageSeed } from '../emulators/google/fixture';
import { Prng } from '../helpers/prng';
import { importedIds, productDbPicture, READ_ROUTES, routesCalled, runCheck } from './mail-check.setup';
import { DAY, mail, openMailWorld, type MailWorld } from './mail-import.setup';

/**
 * Property, over random mailboxes and seeded: a mail-import check reports
 * exactly what the import started right after it inserts, per user (count,
 * skipped, gone, pass, outcome; the sample is among the inserted rows, as
 * stored), and writes nothing (the product database is identical before and
 * after, only Gmail reads and the token endpoint are called).
 * Worlds: messages inside and outside the window, spam and trash, messages
 * already imported (rows inserted by the product), users without a Google
 * account or disabled; between rounds: new mail, mail re-added under the
 * same id (listed twice by history), deletions, expired history, revoked and
 * renewed grants, expired access tokens.
 */
let world: MailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const SEEDS = [11, 404, 2026];
const ROUNDS = 4;

function randomMessage(r: Prng, id: string): MessageSeed {
  const labels = r.chance(0.1) ? ['SPAM'] : r.chance(0.06) ? ['TRASH'] : ['INBOX'];
  // About a tenth fall outside the 30-day window of a full pass.
  const hoursAgo = r.chance(0.1) ? 31 * 24 + r.int(0, 200) : r.int(1, 29 * 24);
  return mail(id, hoursAgo, { labelIds: labels, ...(r.chance(0.05) ? { headers: { From: 'no subject <x@y.test>' } } : {}) });
}

async function preImport(w: MailWorld, userId: string, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    await w.db.execute('INSERT INTO emails (id, user_id, gmail_message_id, subject) VALUES (?, ?, ?, ?)', [`pre-${userId}-${id}`, userId, id, 'imported by the product']);
  }
}

describe('mail-import check = the import that follows (seeded property)', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: the check reports exactly what the next import inserts, and writes nothing`, async () => {
      const r = new Prng(seed);
      const names = Array.from({ length: r.int(2, 4) }, (_, i) => `q${i}`);
      const mailboxes = new Map(names.map((id) => [id, Array.from({ length: r.int(0, 40) }, (_, i) => randomMessage(r, `${id}-m${i}`))]));
      world = await openMailWorld(names.map((id, i) => ({ id, messages: mailboxes.get(id) ?? [], enabled: i === 0 || r.chance(0.85), noAccount: i > 0 && r.chance(0.1) })));
      const w = world;
      for (const id of names) await preImport(w, `u-${id}`, r.subset((mailboxes.get(id) ?? []).map((m) => m.id), 0.2));
      let serial = 0;
      // What the worlds exercised, so the property cannot pass vacuously.
      const seen = { wouldImport: 0, skipped: 0, gone: 0, refused: 0, history: 0, fallback: 0, full: 0 };
      const grant = new Map(names.map((id) => [id, `1//refresh-${id}`]));

      for (let round = 0; round < ROUNDS; round++) {
        const context = `seed ${seed} round ${round}`;
        if (round > 0) {
          for (const id of names) {
            const box = mailboxes.get(id) ?? [];
            const added: MessageSeed[] = [];
            for (let n = r.int(0, 8); n > 0; n--) {
              const message = box.length > 0 && r.chance(0.15) ? (r.pick(box) as MessageSeed) : randomMessage(r, `${id}-n${serial++}`);
              w.emulator.addMessage(id, { ...message, internalDate: Date.now() - r.int(0, 2 * DAY) });
              box.push(message);
              added.push(message);
            }
            // Mostly mail that just arrived (history lists it, the read answers 404: gone), sometimes older mail.
            const pool = added.length > 0 && r.chance(0.7) ? added : box;
            if (pool.length > 0 && r.chance(0.5)) {
              try {
                w.emulator.deleteMessage(id, r.pick(pool).id);
              } catch {
                // Deleted in an earlier round already.
              }
            }
            if (r.chance(0.2) || (round === 2 && id === names[0])) w.emulator.expireHistory(id);
            if (r.chance(0.12)) w.emulator.revokeRefreshToken(grant.get(id) as string);
            else if (r.chance(0.3)) {
              const token = `1//refresh-${id}-r${round}`;
              w.emulator.grantRefreshToken(id, token);
              await w.db.execute('UPDATE storage_accounts SET refresh_token = ?, access_token = NULL, token_expires_at = NULL WHERE user_id = ?', [token, `u-${id}`]);
              grant.set(id, token);
            }
          }
          if (r.chance(0.5)) w.emulator.expireAccessTokens();
        }
        const only = r.chance(0.25) ? { user: `u-${r.pick(names)}` } : {};

        const before = await productDbPicture(w.db);
        const idsBefore = new Map(await Promise.all(names.map(async (id) => [id, await importedIds(w, `u-${id}`)] as const)));
        w.emulator.resetCounts();
        const { run: checkRun, result } = await runCheck(w, only);
        expect(checkRun.state, `${context}: ${JSON.stringify(checkRun.error)}`).not.toBe('failed');
        expect(await productDbPicture(w.db), `${context}: the check wrote`).toBe(before);
        for (const route of routesCalled(w)) expect(READ_ROUTES.has(route), `${context}: ${route}`).toBe(true);

        const importRun = await w.run(only);
        expect(importRun.state, context).toBe(checkRun.state);
        expect(importRun.result?.itemsFailed, context).toBe(result.itemsFailed);
        expect(importRun.result?.users, context).toBe(result.users);
        expect(importRun.result?.imported, context).toBe(result.wouldImport);
        const imported = importRun.result?.perUser as { userId: string; outcome: string; pass: string | null; imported: number; skipped: number; gone: number }[];
        seen.wouldImport += result.wouldImport;
        seen.skipped += result.skipped;
        seen.gone += result.gone;
        seen.refused += result.outcomes['needs-reconnect'];
        seen.history += result.passes.history;
        seen.fallback += result.passes.fallback;
        seen.full += result.passes.full;
        for (const checked of result.perUser) {
          const did = imported.find((u) => u.userId === checked.userId);
          const where = `${context} ${checked.userId}`;
          expect(did, where).toBeDefined();
          expect(did?.outcome, where).toBe(checked.outcome === 'checked' ? 'imported' : checked.outcome);
          expect({ pass: did?.pass, count: did?.imported, skipped: did?.skipped, gone: did?.gone }, where).toEqual({ pass: checked.pass, count: checked.wouldImport, skipped: checked.skipped, gone: checked.gone });
          const id = checked.userId.slice(2);
          const rows = await w.emails(checked.userId);
          const fresh = rows.filter((row) => !idsBefore.get(id)?.has(row.gmail_message_id));
          expect(fresh.length, where).toBe(checked.wouldImport);
          expect(checked.sample.length, where).toBe(Math.min(5, checked.wouldImport));
          for (const s of checked.sample) {
            const row = fresh.find((f) => f.gmail_message_id === s.id);
            expect(row, `${where}: sampled ${s.id} not imported`).toBeDefined();
            expect({ subject: s.subject, from: s.from, date: s.date, thread: s.threadId }, where).toEqual({ subject: row?.subject, from: row?.from_address, date: row?.received_at, thread: row?.thread_id });
          }
        }
      }
      expect(seen.wouldImport * seen.skipped * seen.gone * seen.history * (seen.fallback + seen.refused) * seen.full, `seed ${seed}: ${JSON.stringify(seen)}`).toBeGreaterThan(0);
    }, 60_000);
  }
});
