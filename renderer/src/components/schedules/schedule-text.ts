import type { ScheduleScope } from '@core/api';

/** The scope in words, as the table and the form's summary show it. */
export function scopeText(scope: ScheduleScope): string {
  switch (scope.kind) {
    case 'all':
      return 'All users';
    case 'user':
      return `User ${scope.userId}`;
    case 'provider':
      return `User ${scope.userId} · ${scope.provider === 'google' ? 'Google Drive' : 'Dropbox'}`;
    case 'source':
      return `Source #${scope.sourceId}`;
  }
}

/** Engine titles from app.info, falling back to the id for an engine this host does not offer. */
export function engineTitleOf(engines: readonly { id: string; title: string }[]) {
  const titles = new Map(engines.map((engine) => [engine.id, engine.title]));
  return (id: string) => titles.get(id) ?? id;
}
