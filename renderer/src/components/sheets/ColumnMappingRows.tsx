import type { SheetColumnType } from '@core/api';
import { ActionIcon, Button, Checkbox, Group, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { COLUMN_TYPES, columnError, type ColumnRow, type FormErrors } from './source-form';

interface ColumnMappingRowsProps {
  rows: readonly ColumnRow[];
  errors: FormErrors;
  onChange: (index: number, patch: Partial<Omit<ColumnRow, 'key'>>) => void;
  onAdd: () => void;
  onRemove: (index: number) => void;
}

/** One row per mapped column: the sheet's header cell → a cache table column, its type, and whether an empty cell rejects the row. */
export function ColumnMappingRows({ rows, errors, onChange, onAdd, onRemove }: ColumnMappingRowsProps) {
  return (
    <Stack gap="xs" role="group" aria-label="Column mapping">
      <div>
        <Text size="sm" fw={500}>
          Column mapping <span aria-hidden>*</span>
        </Text>
        <Text size="xs" c="dimmed">
          Each sheet header (matched ignoring case) becomes a column of the cache table. A row whose cell does not fit the type, or a required cell left
          empty, is rejected and listed with its row number; the other rows are imported.
        </Text>
      </div>
      {rows.map((row, index) => {
        const n = index + 1;
        return (
          <Group key={row.key} gap="xs" align="flex-start" wrap="nowrap" data-testid={`column-row-${index}`}>
            <TextInput
              aria-label={`Sheet header ${n}`}
              placeholder="Sheet header, e.g. Price"
              value={row.header}
              onChange={(event) => onChange(index, { header: event.currentTarget.value })}
              error={errors[columnError(index, 'header')]}
              style={{ flex: 3 }}
            />
            <TextInput
              aria-label={`Table column ${n}`}
              placeholder="column, e.g. price"
              value={row.column}
              onChange={(event) => onChange(index, { column: event.currentTarget.value })}
              error={errors[columnError(index, 'column')]}
              ff="monospace"
              maxLength={63}
              style={{ flex: 3 }}
            />
            <NativeSelect
              aria-label={`Type of column ${n}`}
              data={COLUMN_TYPES.map((t) => ({ value: t.value, label: t.label }))}
              value={row.type}
              onChange={(event) => onChange(index, { type: event.currentTarget.value as SheetColumnType })}
              style={{ flex: 2 }}
            />
            <Checkbox
              label="Required"
              aria-label={`Column ${n} is required`}
              checked={row.required}
              onChange={(event) => onChange(index, { required: event.currentTarget.checked })}
              mt={8}
            />
            <ActionIcon variant="subtle" color="gray" size="lg" onClick={() => onRemove(index)} disabled={rows.length === 1} aria-label={`Remove column ${n}`}>
              <IconTrash size={16} aria-hidden />
            </ActionIcon>
          </Group>
        );
      })}
      {errors.columns && (
        <Text size="xs" c="red" role="alert">
          {errors.columns}
        </Text>
      )}
      <Group>
        <Button variant="subtle" size="compact-sm" leftSection={<IconPlus size={14} aria-hidden />} onClick={onAdd} data-testid="add-column">
          Add column
        </Button>
      </Group>
    </Stack>
  );
}
