import type { IdentityUserSide } from '@core/api';
import { Alert, Badge, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconEyeOff } from '@tabler/icons-react';
import { JsonBlock } from '../JsonBlock';

const STATE_TEXT: Record<IdentityUserSide['state'], { label: string; color: string }> = {
  found: { label: 'Found', color: 'teal' },
  absent: { label: 'Not there', color: 'red' },
  'not-linked': { label: 'No copy', color: 'gray' },
  unavailable: { label: 'Could not read', color: 'orange' },
};

function Value({ value }: { value: unknown }) {
  if (value === null || value === undefined) {
    return (
      <Text size="sm" c="dimmed" fs="italic">
        null
      </Text>
    );
  }
  if (typeof value === 'object') return <JsonBlock value={value} maxHeight={200} />;
  return (
    <Text size="sm" ff={typeof value === 'string' ? undefined : 'monospace'} style={{ overflowWrap: 'anywhere' }}>
      {String(value)}
    </Text>
  );
}

interface RecordFieldsProps {
  title: string;
  side: IdentityUserSide;
  testId: string;
}

/**
 * Every field one side holds for the user, as that side names it, in its own
 * order: the users table's columns, or GoTrue's JSON. Withheld secrets are
 * listed by name; a side that could not be read says why.
 */
export function RecordFields({ title, side, testId }: RecordFieldsProps) {
  const state = STATE_TEXT[side.state];
  const entries = Object.entries(side.record ?? {});
  return (
    <Paper withBorder radius="md" p="sm" data-testid={testId} data-state={side.state}>
      <Stack gap="xs">
        <Group justify="space-between" gap="xs">
          <Title order={4} size="h5">
            {title}
          </Title>
          <Badge variant="light" color={state.color}>
            {state.label}
          </Badge>
        </Group>
        {side.message && (
          <Text size="sm" c={side.state === 'unavailable' ? 'orange' : 'dimmed'}>
            {side.message}
          </Text>
        )}
        {entries.length > 0 && (
          <Table layout="fixed" verticalSpacing={4} withRowBorders aria-label={`${title}: every field`}>
            <Table.Tbody>
              {entries.map(([field, value]) => (
                <Table.Tr key={field} data-field={field}>
                  <Table.Td w={170} style={{ verticalAlign: 'top' }}>
                    <Text size="xs" ff="monospace" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                      {field}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Value value={value} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {side.redacted.length > 0 && (
          <Alert variant="light" color="gray" p="xs" icon={<IconEyeOff size={16} aria-hidden />}>
            <Text size="xs">Hidden, because they look like secrets: {side.redacted.join(', ')}.</Text>
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
