import { afterEach, describe, expect, it } from 'vitest';
import { createEngineRegistry } from '../../core/engines/registry';
import { runTemplateOf } from '../../core/scheduler/run-template';
import { fillScheduleSlots } from '../../core/scheduler/schedule-fill';
import { consoleSchedule, createHarness, HOUR, iso, mailUser, MINUTE, T0, type Harness } from './scheduler-harness';

/** Migration 15: every schedule's next slot and run template, which team mode's SQL tick fires from. */
describe('schedules: next_run_at and the run template', () => {
  let h: Harness;
  afterEach(() => h.dispose());
  const row = async (id: number) =>
    (await h.store.db.get<{ next_run_at: string | null; run_scope: string | null; run_params_json: string | null }>(`SELECT next_run_at, run_scope, run_params_json FROM schedules WHERE id = ?`, [id])) ?? { next_run_at: 'missing', run_scope: null, run_params_json: null };
  const engines = createEngineRegistry({ withDemoEngine: true });

  it('the desktop scheduler keeps next_run_at as it fires', async () => {
    h = await createHarness();
    const id = await h.store.schedules.insert(consoleSchedule({ trigger: { kind: 'interval', minutes: 30 } }), 'manual', iso(T0));
    h.scheduler.start();
    await h.clock.advance(30 * MINUTE + 1000);
    await h.scheduler.stop(); // flushes the firing log
    expect((await row(id)).next_run_at).toBe(iso(T0 + HOUR));
  });

  it('JS fills the slot the desktop scheduler would use (same per-user jitter) and the run the engine would start; an edit clears them', async () => {
    h = await createHarness();
    const [id] = await h.store.schedules.applyDerived({ inserts: [{ ...mailUser(`o'brien`, 30), sourceKey: `mail-import:o'brien` }], updates: [], deletes: [] }, iso(T0));
    expect(await fillScheduleSlots(h.store.schedules, runTemplateOf(engines, { store: h.store }), T0)).toEqual({ filled: 1, invalid: 0 });
    h.appDb.rows = [mailUser(`o'brien`, 30)]; // the product still says so: the scheduler's sync keeps the row
    h.scheduler.start();
    await h.clock.advance(1000);
    const desktop = h.scheduler.nextRunAt(id as number);
    expect(desktop).not.toBeNull();
    const filled = await row(id as number);
    expect(filled).toEqual({ next_run_at: desktop, run_scope: `user:o'brien`, run_params_json: JSON.stringify({ user: `o'brien`, mode: 'import', autoRepair: false }) });
    // Jittered: not on the half hour.
    expect(Date.parse(filled.next_run_at ?? '') % (30 * MINUTE)).not.toBe(0);

    await h.store.schedules.applyDerived({ inserts: [], updates: [{ id: id as number, schedule: mailUser(`o'brien`, 60) }], deletes: [] }, iso(T0 + 1000));
    expect(await row(id as number)).toEqual({ next_run_at: null, run_scope: null, run_params_json: null });
    expect(await fillScheduleSlots(h.store.schedules, runTemplateOf(engines, { store: h.store }), T0 + 1000)).toEqual({ filled: 1, invalid: 0 });
    expect(Date.parse((await row(id as number)).next_run_at ?? '') - T0).toBeLessThanOrEqual(HOUR);
  });

  it('a cron schedule the SQL tick fired gets its next slot from its last firing; a schedule its engine refuses gets none', async () => {
    h = await createHarness();
    const cron = await h.store.schedules.insert(consoleSchedule({ trigger: { kind: 'cron', expression: '0 2 * * *' }, timeZone: 'Europe/Paris' }), 'manual', iso(T0));
    const refused = await h.store.schedules.insert(consoleSchedule({ engine: 'no-such-engine' }), 'manual', iso(T0));
    await h.store.db.run(`UPDATE schedules SET last_fired_at = ?, last_due_at = ?, next_run_at = NULL WHERE id = ?`, ['2026-03-02T01:00:03.000Z', '2026-03-02T01:00:00.000Z', cron]);
    expect(await fillScheduleSlots(h.store.schedules, runTemplateOf(engines, { store: h.store }), T0 + 2 * HOUR)).toEqual({ filled: 1, invalid: 1 });
    expect(await row(cron)).toMatchObject({ next_run_at: '2026-03-03T01:00:00.000Z', run_scope: 'all' });
    expect(await row(refused)).toEqual({ next_run_at: null, run_scope: null, run_params_json: null });
  });
});
