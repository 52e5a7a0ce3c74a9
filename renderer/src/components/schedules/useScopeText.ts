import type { ScheduleScope } from '@core/api';
import { usePerson } from '../../hooks/usePerson';
import { scopeText } from './schedule-text';

/** The scope in words with the person named by email and name (a confirmation's sentence); the id until the lookup answers. */
export function useScopeText(scope: ScheduleScope | undefined): string {
  const userId = scope && (scope.kind === 'user' || scope.kind === 'provider') ? scope.userId : null;
  const { person } = usePerson(userId);
  if (!scope) return '';
  if (!person || (scope.kind !== 'user' && scope.kind !== 'provider')) return scopeText(scope);
  const who = person.email ? (person.name ? `${person.email} (${person.name})` : person.email) : person.id;
  return scope.kind === 'provider' ? `${who} · ${scope.provider === 'google' ? 'Google Drive' : 'Dropbox'}` : who;
}
