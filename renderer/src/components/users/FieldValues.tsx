import type { IdentityFieldDiff, IdentityUserRow } from '@core/api';
import { Stack, Text } from '@mantine/core';

const FIELD_LABEL: Record<IdentityFieldDiff['field'], string> = { id: 'id', email: 'email', name: 'name', emailVerified: 'email verified', role: 'role' };

function show(value: IdentityFieldDiff['local']): string {
  if (value === null) return '(empty)';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return value;
}

/**
 * One side's values of the differing fields, one line per field, so the users
 * table and Supabase columns line up side by side.
 */
export function FieldValues({ row, side }: { row: IdentityUserRow; side: 'local' | 'remote' }) {
  const present = side === 'local' ? row.localId !== null : row.remoteId !== null;
  if (row.status === 'in-sync') return <Text size="sm" c="dimmed">—</Text>;
  if (row.status !== 'inconsistent') {
    return present ? (
      <Text size="sm">Present</Text>
    ) : (
      <Text size="sm" c="red" fs="italic">
        Missing
      </Text>
    );
  }
  return (
    <Stack gap={2} data-testid={`user-${side}-${row.row}`}>
      {row.diffs.map((diff) => {
        const value = show(diff[side]);
        return (
          <Text key={diff.field} size="xs" truncate title={`${FIELD_LABEL[diff.field]}: ${value}`}>
            <Text span size="xs" c="dimmed">
              {FIELD_LABEL[diff.field]}:{' '}
            </Text>
            <Text span size="xs" ff={diff.field === 'id' ? 'monospace' : undefined} fw={500}>
              {value}
            </Text>
          </Text>
        );
      })}
    </Stack>
  );
}
