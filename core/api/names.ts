/**
 * The contract's method and event names, kept free of zod so that the sandboxed
 * preload can bundle them cheaply. `contract.ts` is checked against these lists
 * at compile time (`satisfies`), so the two can never drift apart.
 */
export const METHOD_NAMES = [
  'app.info',
  'runs.list',
  'runs.get',
  'runs.start',
  'runs.cancel',
  'findings.list',
  'audit.list',
  'settings.get',
  'settings.update',
  'connections.list',
  'connections.create',
  'connections.update',
  'connections.delete',
  'connections.test',
  'sheets.sources.list',
  'sheets.sources.create',
  'sheets.sources.update',
  'sheets.sources.delete',
  'sheets.import',
  'sheets.check',
  'sheets.cache.preview',
  'media.overview',
  'media.imported',
  'identity.users',
  'identity.summary',
  'identity.plan',
  'identity.revertRun',
  'identity.user',
  'storage.accounts',
  'storage.summary',
  'storage.restore',
  'storage.checkIfStale',
  'storage.restorability',
  'schedules.list',
  'schedules.create',
  'schedules.update',
  'schedules.delete',
  'schedules.setEnabled',
  'schedules.runNow',
  'schedules.pause',
  'schedules.resume',
  'schedules.describe',
  'mail.settings',
  'runs.stats',
  'mail.settings.update',
  'runs.log',
  'app.updates.check',
  'connections.connect',
  'connections.connect.status',
  'connections.connect.cancel',
  'connections.disconnect',
  'users.lookup',
  'users.search',
  'store.info',
  'store.switch',
  'team.status',
  'team.workers',
  'team.queue',
  'team.throughput',
  'team.deadLetters',
  'team.retryDeadLetter',
  'schedules.cron.detect',
  'schedules.cron.migrate',
  'schedules.cron.undo',
] as const;

export const EVENT_NAMES = ['run.started', 'run.progress', 'run.finished', 'settings.changed', 'notification', 'schedules.changed', 'scheduler.status'] as const;

export type MethodName = (typeof METHOD_NAMES)[number];
export type EventName = (typeof EVENT_NAMES)[number];

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && (METHOD_NAMES as readonly string[]).includes(value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (EVENT_NAMES as readonly string[]).includes(value);
}
