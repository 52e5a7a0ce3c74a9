import type { Finding } from '@core/api';
import { Text } from '@mantine/core';
import { scopeUserKey } from '../lib/people';
import { PersonLabel } from './PersonLabel';

/** The user a finding is about: its email, else the user its check was scoped to; "—" for a finding about no user (a sheet row). */
export function FindingUser({ finding, inline, testId }: { finding: Finding; inline?: boolean; testId?: string }) {
  const key = finding.userEmail ?? scopeUserKey(finding.scope);
  if (!key) {
    return (
      <Text size="sm" c="dimmed" data-testid={testId}>
        —
      </Text>
    );
  }
  return <PersonLabel userKey={key} inline={inline} testId={testId} />;
}
