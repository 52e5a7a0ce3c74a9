import { afterEach, describe, expect, it } from 'vitest';
import type { CallResult } from '../../core/api/errors';
import type { MethodName } from '../../core/api/names';
import { dispatch } from '../../core/app/dispatch';
import { inbox, openMailWorld, type MailWorld } from './mail-import.setup';

/**
 * `mail.settings.update` (the Mail page's switch and interval) through the one
 * handler table, into a real SQLite product database: it writes the product's
 * own mail_settings row, is audited, refuses bad input and unknown users, and
 * a scheduled import then respects the switch.
 */
let world: MailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const call = (w: MailWorld, method: MethodName, input: unknown): Promise<CallResult<unknown>> => dispatch(w.app.handlers, method, input, { actor: 'manual' });

describe('mail.settings.update', () => {
  it('writes enabled and interval into the product row, leaves the cursor alone, audits the change, and mail.settings shows it', async () => {
    world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 3) }]);
    await world.run();
    const cursor = (await world.settings('u-ada'))?.history_id;
    expect(cursor).toBeTruthy();

    const saved = await call(world, 'mail.settings.update', { userId: 'u-ada', enabled: false, intervalMinutes: 90 });
    expect(saved).toMatchObject({ ok: true, result: { userId: 'u-ada', email: 'ada@example.com', enabled: false, intervalMinutes: 90, historyId: cursor, importedCount: 3, needsReconnect: false } });
    const [row] = await world.db.query<{ enabled: unknown; interval_minutes: unknown; history_id: unknown }>('SELECT enabled, interval_minutes, history_id FROM mail_settings WHERE user_id = ?', ['u-ada']);
    expect(row).toMatchObject({ enabled: 0, interval_minutes: 90, history_id: cursor });

    const page = await call(world, 'mail.settings', { limit: 10, offset: 0 });
    expect(page).toMatchObject({ ok: true, result: { total: 1, items: [{ userId: 'u-ada', enabled: false, intervalMinutes: 90, importedCount: 3 }] } });

    const audit = await world.app.store.audit.list({ engine: 'mail-import', limit: 10, offset: 0 });
    expect(audit.items).toEqual([
      expect.objectContaining({ actor: 'manual', action: 'mail-settings-update', subject: 'u-ada', runId: null, before: { email: 'ada@example.com', enabled: true, intervalMinutes: 30 }, after: { email: 'ada@example.com', enabled: false, intervalMinutes: 90 } }),
    ]);

    // The switch is the user's own: a console schedule of her, fired through the scheduler's own path, now skips her.
    const schedule = await call(world, 'schedules.create', { engine: 'mail-import', scope: { kind: 'user', userId: 'u-ada' }, trigger: { kind: 'interval', minutes: 60 } });
    if (!schedule.ok) throw new Error(schedule.error.message);
    const fired = await call(world, 'schedules.runNow', { id: (schedule.result as { id: number }).id });
    if (!fired.ok) throw new Error(fired.error.message);
    const scheduled = (await world.app.runs.waitFor((fired.result as { runId: number }).runId))!;
    expect(scheduled).toMatchObject({ trigger: 'schedule', state: 'succeeded', result: { users: 0, imported: 0, disabled: 1, disabledUsers: [{ userId: 'u-ada', email: 'ada@example.com' }] } });
  });

  it('a user without a mail_settings row gets one with the defaults, then the change', async () => {
    world = await openMailWorld([{ id: 'ada', messages: [] }]);
    await world.db.execute('INSERT INTO users (id, email, name) VALUES (?, ?, ?)', ['u-new', 'new@example.com', 'New Person']);
    const saved = await call(world, 'mail.settings.update', { userId: 'u-new', intervalMinutes: 15 });
    expect(saved).toMatchObject({ ok: true, result: { userId: 'u-new', name: 'New Person', enabled: false, intervalMinutes: 15, historyId: null, importedCount: 0, needsReconnect: null } });
    expect((await world.app.store.audit.list({ engine: 'mail-import', limit: 10, offset: 0 })).items[0]).toMatchObject({ before: null, after: { enabled: false, intervalMinutes: 15 } });
  });

  it('refuses bad input and an unknown user, and writes nothing', async () => {
    world = await openMailWorld([{ id: 'ada', messages: [] }]);
    for (const bad of [{}, { userId: 'u-ada' }, { userId: '', enabled: true }, { userId: 'u-ada', intervalMinutes: 0 }, { userId: 'u-ada', intervalMinutes: 1.5 }, { userId: 'u-ada', intervalMinutes: 7 * 24 * 60 + 1 }, { userId: 'u-ada', enabled: 'yes' }, { userId: 'u-ada', enabled: true, historyId: '1' }]) {
      expect(await call(world, 'mail.settings.update', bad)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    }
    expect(await call(world, 'mail.settings.update', { userId: 'u-nobody', enabled: true })).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringContaining('u-nobody') } });
    expect(await world.db.query('SELECT user_id FROM mail_settings ORDER BY user_id')).toEqual([{ user_id: 'u-ada' }]);
    const [row] = await world.db.query<{ enabled: unknown; interval_minutes: unknown }>('SELECT enabled, interval_minutes FROM mail_settings');
    expect(row).toMatchObject({ enabled: 1, interval_minutes: 30 });
    expect((await world.app.store.audit.list({ engine: 'mail-import', limit: 10, offset: 0 })).items).toEqual([]);
  });
});

describe('mail.settings.update (attack): two saves racing for a user without a mail_settings row', () => {
  it('both succeed and leave one row holding the last values, never a primary-key failure', async () => {
    world = await openMailWorld([{ id: 'ada', messages: [] }]);
    await world.db.execute('DELETE FROM mail_settings WHERE user_id = ?', ['u-ada']);
    const w = world;
    const results = await Promise.all([call(w, 'mail.settings.update', { userId: 'u-ada', enabled: true }), call(w, 'mail.settings.update', { userId: 'u-ada', intervalMinutes: 45 })]);
    expect(results.map((r) => (r.ok ? 'ok' : JSON.stringify(r)))).toEqual(['ok', 'ok']);
    const rows = await w.db.query<{ enabled: unknown; interval_minutes: unknown }>('SELECT enabled, interval_minutes FROM mail_settings WHERE user_id = ?', ['u-ada']);
    expect(rows).toEqual([{ enabled: 1, interval_minutes: 45 }]);
  });
});

describe('mail.settings.update (attack): the audit log finds the change by the user an admin knows', () => {
  it('a search by the user\'s email (any case) finds her mail settings change, not only a search by her id', async () => {
    world = await openMailWorld([{ id: 'ada', messages: [] }, { id: 'bob', messages: [] }]);
    expect(await call(world, 'mail.settings.update', { userId: 'u-ada', enabled: false })).toMatchObject({ ok: true });
    const byEmail = await world.app.store.audit.list({ user: 'ADA@example.com', limit: 10, offset: 0 });
    expect(byEmail.items.map((e) => [e.action, e.subject])).toEqual([['mail-settings-update', 'u-ada']]);
    expect((await world.app.store.audit.list({ user: 'bob@example.com', limit: 10, offset: 0 })).items).toEqual([]);
  });
});
