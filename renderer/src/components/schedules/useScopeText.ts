import type { ScheduleScope } from '@core/api';
import { usePerson } from '../../hooks/usePerson';
import { useSourceName } from '../../hooks/useSourceName';
import { scopeText } from './schedule-text';

/** The scope in words with the person named by email and name (a confirmation's sentence); the id until the lookup answers. */
export function useScopeText(scope: ScheduleScope | undefined): string {
  const userId = scope && (scope.kind === 'user' || scope.kind === 'provider') ? scope.userId : null;
  const { person } = usePerson(userId);
  const sourceName = useSourceName(scope?.kind === 'source' ? scope.sourceId : null);
  if (!scope) return '';
  if (scope.kind === 'source') return sourceName;
  if (!person || (scope.kind !== 'user' && scope.kind !== 'provider')) return scopeText(scope);
  const who = person.email ? (person.name ? `${person.email} (${person.name})` : person.email) : person.id;
  return scope.kind === 'provider' ? `${who} · ${scope.provider === 'google' ? 'Google Drive' : 'Dropbox'}` : who;
}
