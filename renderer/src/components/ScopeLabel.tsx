import type { ScheduleScope } from '@core/api';
import { runScopeText } from '@core/api/run-scope';
import { Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { parseSourceScope, useSourceName } from '../hooks/useSourceName';
import { scopeProvider, scopeUserKey } from '../lib/people';
import { PersonLabel } from './PersonLabel';
import { scopeText } from './schedules/schedule-text';

/** Short: in a table row the provider sits beside the email and name. */
const PROVIDER_LABEL: Record<string, string> = { google: 'Drive', dropbox: 'Dropbox' };

/** A run's scope: the person for `user:<id or email>` (with the provider of a per-provider run), else the scope in words ("repair:all" is "All users"; the run's mode is shown beside it). */
export function RunScopeLabel({ scope, testId }: { scope: string; testId?: string }) {
  const key = scopeUserKey(scope);
  const source = parseSourceScope(scope);
  if (source) return <SourceLabel sourceId={source.sourceId} suffix={source.check ? ' · preview' : ''} testId={testId} />;
  if (!key) {
    return (
      <Text size="sm" truncate title={scope} data-testid={testId}>
        {runScopeText(scope)}
      </Text>
    );
  }
  const provider = scopeProvider(scope);
  return <WithProvider provider={provider}><PersonLabel userKey={key} inline testId={testId} /></WithProvider>;
}

/** A schedule's scope: the person of a one-user or one-provider schedule, else the scope in words. */
export function ScheduleScopeLabel({ scope, testId }: { scope: ScheduleScope; testId?: string }) {
  if (scope.kind === 'source') return <SourceLabel sourceId={scope.sourceId} suffix="" testId={testId} />;
  if (scope.kind !== 'user' && scope.kind !== 'provider') {
    return (
      <Text size="sm" data-testid={testId}>
        {scopeText(scope)}
      </Text>
    );
  }
  return (
    <WithProvider provider={scope.kind === 'provider' ? scope.provider : null}>
      <PersonLabel userKey={scope.userId} testId={testId} />
    </WithProvider>
  );
}

function WithProvider({ provider, children }: { provider: string | null; children: ReactNode }) {
  if (!provider) return children;
  return (
    <Group gap={6} wrap="nowrap" miw={0}>
      {children}
      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap', flexShrink: 0 }} title={provider === 'google' ? 'Google Drive' : undefined}>
        · {PROVIDER_LABEL[provider] ?? provider}
      </Text>
    </Group>
  );
}

/** A Sheets source by its name, with its id on hover. */
function SourceLabel({ sourceId, suffix, testId }: { sourceId: number; suffix: string; testId?: string }) {
  const name = useSourceName(sourceId);
  return (
    <Text size="sm" truncate title={`Sheets source #${sourceId}`} data-testid={testId}>
      {name}
      {suffix}
    </Text>
  );
}
