import { Badge, Button, Group, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { diffImages, diffSummary, type FieldChange, type FieldChangeKind } from '../../lib/audit-diff';

const KIND: Record<FieldChangeKind, { label: string; color: string; bg?: string }> = {
  added: { label: 'added', color: 'green', bg: 'var(--mantine-color-green-light)' },
  removed: { label: 'removed', color: 'red', bg: 'var(--mantine-color-red-light)' },
  changed: { label: 'changed', color: 'yellow', bg: 'var(--mantine-color-yellow-light)' },
  unchanged: { label: 'same', color: 'gray' },
};

/** A long list (a batch's ids) is cut here; the row says how many more there are. */
const MAX_ROWS = 200;

function Value({ text, strike }: { text: string | undefined; strike?: boolean }) {
  if (text === undefined) return <Text size="sm" c="dimmed">—</Text>;
  return (
    <Text size="sm" ff="monospace" td={strike ? 'line-through' : undefined} style={{ wordBreak: 'break-word', whiteSpace: 'pre-wrap' }}>
      {text === '' ? '""' : text}
    </Text>
  );
}

/** The fields an audit entry's change touched, before and after side by side; unchanged fields on request. */
export function AuditDiff({ before, after }: { before: unknown; after: unknown }) {
  const [showSame, setShowSame] = useState(false);
  const changes = diffImages(before, after);
  const summary = diffSummary(changes);
  const same = changes.length - summary.added - summary.removed - summary.changed;
  const shown = changes.filter((c) => showSame || c.kind !== 'unchanged');
  if (changes.length === 0) return <Text size="sm" c="dimmed">No before- or after-image was recorded.</Text>;
  return (
    <div data-testid="audit-diff">
      <Group gap="xs" mb={6}>
        <Text size="sm" data-testid="audit-diff-summary">
          {[summary.changed && `${summary.changed} changed`, summary.added && `${summary.added} added`, summary.removed && `${summary.removed} removed`].filter(Boolean).join(' · ') || 'No field changed'}
        </Text>
        {same > 0 && (
          <Button size="compact-xs" variant="subtle" onClick={() => setShowSame((v) => !v)}>
            {showSame ? 'Hide' : 'Show'} {same} unchanged field{same === 1 ? '' : 's'}
          </Button>
        )}
      </Group>
      <Table withTableBorder layout="fixed" verticalSpacing={4} bg="var(--mantine-color-body)" aria-label="Changed fields">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w="26%">Field</Table.Th>
            <Table.Th w={84}>Change</Table.Th>
            <Table.Th>Before</Table.Th>
            <Table.Th>After</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {shown.slice(0, MAX_ROWS).map((change: FieldChange) => (
            <Table.Tr key={change.path} data-testid={`audit-field-${change.path}`} data-kind={change.kind} style={{ background: KIND[change.kind].bg }}>
              <Table.Td>
                <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                  {change.path}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge size="xs" variant="light" color={KIND[change.kind].color}>
                  {KIND[change.kind].label}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Value text={change.before} strike={change.kind === 'removed'} />
              </Table.Td>
              <Table.Td>
                <Value text={change.after} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {shown.length > MAX_ROWS && (
        <Text size="xs" c="dimmed" mt={4}>
          {shown.length - MAX_ROWS} more fields not shown (`syncwarden audit list --json` has them all).
        </Text>
      )}
    </div>
  );
}
