import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { diffAudit, diffSummary, type AuditRowSpec, type FieldChange, type FieldChangeKind, type RowChange } from '../../lib/audit-diff';

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

/** How many rows of a batch went which way: "3 rows quarantined · 1 row changed". */
function rowsSummary(rows: readonly RowChange[], spec: AuditRowSpec | undefined): string[] {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const verb = row.kind === 'removed' && spec ? spec.done : row.kind;
    counts.set(verb, (counts.get(verb) ?? 0) + 1);
  }
  return [...counts].map(([verb, n]) => `${n} row${n === 1 ? '' : 's'} ${verb}`);
}

/**
 * What an audit entry's change did: a batch of rows one line per row (its engine names the table and what
 * happened, app.info `ui.auditRows`) with only the changed columns; other fields before and after side by
 * side, unchanged ones on request.
 */
export function AuditDiff({ before, after, spec }: { before: unknown; after: unknown; spec?: AuditRowSpec | undefined }) {
  const [showSame, setShowSame] = useState(false);
  const view = diffAudit(before, after, spec);
  const changes = view.fields;
  const summary = diffSummary(changes);
  const same = changes.length - summary.added - summary.removed - summary.changed;
  const shown = changes.filter((c) => showSame || c.kind !== 'unchanged');
  if (changes.length === 0 && view.rows.length === 0) return <Text size="sm" c="dimmed">No before- or after-image was recorded.</Text>;
  // Beside rows, "2 added" would read as rows: the other fields say they are fields.
  const count = (n: number) => (view.rows.length > 0 ? `${n} field${n === 1 ? '' : 's'}` : String(n));
  const fieldWords = (['changed', 'added', 'removed'] as const).filter((k) => summary[k] > 0).map((k) => `${count(summary[k])} ${k}`);
  return (
    <div data-testid="audit-diff">
      <Group gap="xs" mb={6}>
        <Text size="sm" data-testid="audit-diff-summary">
          {[...rowsSummary(view.rows, spec), ...fieldWords].join(' · ') || 'No field changed'}
        </Text>
        {same > 0 && (
          <Button size="compact-xs" variant="subtle" onClick={() => setShowSame((v) => !v)}>
            {showSame ? 'Hide' : 'Show'} {same} unchanged field{same === 1 ? '' : 's'}
          </Button>
        )}
      </Group>
      {view.rows.length > 0 && <AuditRows rows={view.rows} />}
      {shown.length > 0 && (
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
      )}
      {shown.length > MAX_ROWS && (
        <Text size="xs" c="dimmed" mt={4}>
          {shown.length - MAX_ROWS} more fields not shown (`syncwarden audit list --json` has them all).
        </Text>
      )}
    </div>
  );
}

/** A batch's rows, one line each, the changed columns before → after, the whole row on request. */
function AuditRows({ rows }: { rows: readonly RowChange[] }) {
  return (
    <Stack gap={6} mb="sm" data-testid="audit-batch">
      {rows.slice(0, MAX_ROWS).map((row) => (
        <AuditRow key={row.id} row={row} />
      ))}
      {rows.length > MAX_ROWS && (
        <Text size="xs" c="dimmed">
          {rows.length - MAX_ROWS} more rows not shown (`syncwarden audit list --json` has them all).
        </Text>
      )}
    </Stack>
  );
}

function AuditRow({ row }: { row: RowChange }) {
  const [open, setOpen] = useState(false);
  const kind = row.kind === 'unchanged' ? KIND.unchanged : KIND[row.kind];
  return (
    <div data-testid={`audit-batch-row-${row.id}`} data-kind={row.kind} style={{ background: kind.bg, borderRadius: 4, padding: '4px 8px' }}>
      <Group gap="xs" wrap="nowrap" justify="space-between">
        <Text size="sm" data-testid="audit-batch-title" style={{ wordBreak: 'break-word' }}>
          {row.title}
        </Text>
        {row.columns.length > 0 && (
          <Button size="compact-xs" variant="subtle" onClick={() => setOpen((v) => !v)} style={{ flexShrink: 0 }}>
            {open ? 'Hide the row' : `Show the row (${row.columns.length} columns)`}
          </Button>
        )}
      </Group>
      {row.changes.map((c) => (
        <Text key={c.path} size="sm" data-testid={`audit-batch-column-${c.path}`} style={{ wordBreak: 'break-word' }}>
          <Text span size="sm" ff="monospace" fw={600}>
            {c.path}
          </Text>
          : {c.before ?? '—'} → {c.after ?? '—'}
        </Text>
      ))}
      {open && (
        <Table withTableBorder layout="fixed" verticalSpacing={2} mt={4} bg="var(--mantine-color-body)" aria-label={`Columns of ${row.title}`}>
          <Table.Tbody>
            {row.columns.map((c) => (
              <Table.Tr key={c.path}>
                <Table.Td w="30%">
                  <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
                    {c.path}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Value text={c.after ?? c.before} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </div>
  );
}
