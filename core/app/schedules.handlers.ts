import { ApiError } from '../api/errors';
import type { Schedule, ScheduleSpec } from '../api/schedules';
import { runParamsFor, schedulePolicyOf } from '../scheduler/run-params';
import { describeForForm, scheduleView } from '../scheduler/schedule-view';
import { compileTrigger, hostTimeZone } from '../scheduler/triggers';
import { runStatsSince } from '../store/run-stats.repo';
import type { ScheduleFields, StoredSchedule } from '../store/schedules.repo';
import type { HandlerTable } from '../engines/engine-policies';
import { scheduleRefusal } from '../engines/result-check';
import type { AppServices } from './services';
import { resolveScheduleUser } from './users.handlers';

type ScheduleMethods =
  | 'schedules.list'
  | 'schedules.create'
  | 'schedules.update'
  | 'schedules.delete'
  | 'schedules.setEnabled'
  | 'schedules.runNow'
  | 'schedules.pause'
  | 'schedules.resume'
  | 'schedules.describe'
  | 'runs.stats';

/**
 * The Schedules page's methods, the tray's pause/resume, and the Runs chart.
 * Console schedules are edited here; per-user schedules (origin app-db) are
 * the product's own settings and are refused with a pointer to where they live.
 */
export function createScheduleHandlers(app: AppServices): Pick<HandlerTable, ScheduleMethods> {
  const { store, scheduler } = app;
  const repo = store.schedules;
  const now = () => app.clock.now().getTime();
  const iso = () => app.clock.now().toISOString();
  const find = async (id: number): Promise<StoredSchedule> => {
    const schedule = await repo.get(id);
    if (!schedule) throw new ApiError('not-found', `There is no schedule ${id}.`, { id });
    return schedule;
  };
  const editable = async (id: number): Promise<StoredSchedule> => {
    const schedule = await find(id);
    if (schedule.origin === 'app-db') {
      throw new ApiError('conflict', 'This schedule comes from the product database (the user’s own settings): change it there; the console picks it up within a minute.', { id });
    }
    return schedule;
  };
  const view = async (id: number): Promise<Schedule> => scheduleView(await find(id), (await repo.historyOf([id])).get(id), scheduler, now());
  const changed = async (id: number) => {
    await scheduler.scheduleChanged(id);
    app.events.emit('schedules.changed', {});
  };
  const fields = async (spec: ScheduleSpec): Promise<ScheduleFields> => validate(app, spec);

  return {
    'schedules.list': async (filter) => {
      // A host that does not run the scheduler (a one-shot CLI command) reads the product's per-user schedules now.
      if (!scheduler.isStarted) await scheduler.refreshAppDb();
      const page = await repo.listFiltered(filter);
      const history = await repo.historyOf(page.items.map((s) => s.id));
      const pause = scheduler.status();
      return {
        total: page.total,
        schedules: page.items.map((s) => scheduleView(s, history.get(s.id), scheduler, now())),
        pausedUntil: pause.pausedUntil,
        pausedIndefinitely: pause.pausedIndefinitely,
      };
    },
    'schedules.create': async (spec, { actor }) => {
      const id = await repo.insert(await fields(spec), actor, iso());
      await changed(id);
      return view(id);
    },
    'schedules.update': async ({ id, spec }, { actor }) => {
      await editable(id);
      const checked = await fields(spec);
      await editable(id); // still there and still the console's after the product database answered
      await repo.update(id, checked, actor, iso());
      await changed(id);
      return view(id);
    },
    'schedules.delete': async ({ id }) => {
      if (!await repo.get(id)) return { id, deleted: false };
      await editable(id);
      const deleted = await repo.delete(id);
      await changed(id);
      return { id, deleted };
    },
    'schedules.setEnabled': async ({ id, enabled }, { actor }) => {
      await editable(id);
      await repo.setEnabled(id, enabled, actor, iso());
      await changed(id);
      return view(id);
    },
    'schedules.runNow': async ({ id }) => {
      await find(id);
      const started = await scheduler.runNow(id);
      app.events.emit('schedules.changed', {});
      return started;
    },
    'schedules.pause': async ({ minutes }) => {
      await scheduler.pause(minutes);
      return scheduler.status();
    },
    'schedules.resume': async () => {
      await scheduler.resume();
      return scheduler.status();
    },
    'schedules.describe': ({ trigger, timeZone }) => describeForForm(trigger, timeZone ?? hostTimeZone(), now()),
    'runs.stats': async ({ days, trigger }) => ({ runs: await runStatsSince(store.db, new Date(now() - days * 24 * 60 * 60_000).toISOString(), trigger) }),
  };
}

/**
 * Checks what zod cannot: the engine exists, the trigger compiles, the
 * engine's schedule policy accepts it (a source scope names a source), and a
 * user scope names a user of the product database (kept as the user's id).
 */
async function validate(app: AppServices, spec: ScheduleSpec): Promise<ScheduleFields> {
  const invalid = (path: string[], message: string): never => {
    throw new ApiError('invalid-input', `Invalid schedule: ${message}.`, { issues: [{ path, code: 'custom', message }] });
  };
  if (!app.engines.get(spec.engine)) invalid(['engine'], `there is no engine "${spec.engine}"`);
  const timeZone = spec.timeZone ?? hostTimeZone();
  const compiled = compileTrigger(spec.trigger, { timeZone });
  if (!compiled.ok) invalid(compiled.field === 'timeZone' ? ['timeZone'] : ['trigger', spec.trigger.kind === 'cron' ? 'expression' : 'minutes'], compiled.error);
  const fields: ScheduleFields = { engine: spec.engine, scope: spec.scope, trigger: spec.trigger, timeZone, enabled: spec.enabled, autoRepair: spec.autoRepair, params: spec.params };
  const context = { store: app.store };
  const refused = await schedulePolicyOf(app.engines, spec.engine).validate?.(fields, context);
  if (refused) invalid(refused.path, refused.message);
  fields.scope = await resolveScheduleUser(app, spec.scope);
  // The params every firing will send, checked now by the engine's own schema: a schedule that could never start is refused here.
  const engine = app.engines.get(spec.engine);
  const parsed = engine?.params.safeParse(await runParamsFor(fields, app.engines, context));
  if (parsed && !parsed.success) {
    const issue = parsed.error.issues[0];
    invalid(['params', ...(issue?.path.map(String) ?? [])], `the ${spec.engine} engine refuses these parameters: ${issue?.path.length ? `${issue.path.join('.')}: ` : ''}${issue?.message ?? 'invalid'}`);
  }
  // A mode that undoes what was done (a revert) waits for a person: refused now, not at every firing.
  const byHand = engine && parsed?.success ? scheduleRefusal(engine, parsed.data as Record<string, unknown>) : undefined;
  if (byHand) invalid(['params', 'mode'], byHand);
  return fields;
}
