import type { SheetSource } from '@core/api';
import { Alert, Fieldset, NativeSelect, SegmentedControl, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useEffect, useRef, type ChangeEvent } from 'react';
import { ColumnMappingRows } from './ColumnMappingRows';
import { useSourceForm } from './useSourceForm';
import { FormFooter } from '../FormFooter';

/** Ids and table names in monospace; `ff` would set it on the label and description too. */
const MONO = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } };

interface SourceFormProps {
  /** Set when editing; absent when adding. */
  source?: SheetSource;
  /** Names of the Google connections (the OAuth clients a source can read with). */
  googleConnections: readonly string[];
  onClose: () => void;
}

/** Add or edit one sheet source. Enter submits, Escape (the modal) closes. Nothing here is secret. */
export function SourceForm({ source, googleConnections, onClose }: SourceFormProps) {
  const form = useSourceForm(source, googleConnections, onClose);
  const { values, errors } = form;
  const formRef = useRef<HTMLFormElement>(null);

  // Send focus to the first field the check refused, so keyboard and screen-reader users land on it.
  useEffect(() => {
    if (form.refusals === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [form.refusals]);

  const text = (field: Parameters<typeof form.set>[0]) => ({
    value: values[field],
    onChange: (event: ChangeEvent<HTMLInputElement>) => form.set(field, event.currentTarget.value),
    error: errors[field],
  });
  const seconds = (field: 'connectSeconds' | 'idleSeconds' | 'totalSeconds', key: string) => ({
    value: values[field],
    onChange: (event: ChangeEvent<HTMLInputElement>) => form.set(field, event.currentTarget.value),
    error: errors[`timeouts.${key}`],
    type: 'number',
    inputMode: 'decimal' as const,
    rightSection: <Text size="xs" c="dimmed">s</Text>,
  });
  const csv = values.method === 'csv-export';

  return (
    <form ref={formRef} onSubmit={form.submit} noValidate aria-label={source ? `Edit ${source.spec.name}` : 'Add a sheet source'}>
      <Stack gap="md">
        <TextInput label="Name" description="How this source is shown, e.g. “Price list”." withAsterisk maxLength={80} data-autofocus data-testid="source-name" {...text('name')} />
        <SimpleGrid cols={2}>
          {googleConnections.length === 0 ? (
            <Alert color="yellow" icon={<IconAlertCircle aria-hidden />} title="No Google connection">
              Add a Google connection on the Connections page first: it is the OAuth client that reads the sheet.
            </Alert>
          ) : (
            <NativeSelect
              label="Google connection"
              description="The OAuth client that reads the sheet."
              withAsterisk
              data={[{ value: '', label: 'Choose…', disabled: true }, ...googleConnections.map((name) => ({ value: name, label: name }))]}
              value={values.connection}
              onChange={(event) => form.set('connection', event.currentTarget.value)}
              error={errors.connection}
              data-testid="source-connection"
            />
          )}
          <Stack gap={4}>
            <Text size="sm" fw={500} id="source-credentials-label">
              Read as
            </Text>
            <SegmentedControl
              aria-labelledby="source-credentials-label"
              value={values.credentials}
              onChange={(value) => form.set('credentials', value)}
              data={[
                { value: 'storage-account', label: "A user's storage account" },
                { value: 'connection', label: 'The connected account' },
              ]}
              data-testid="source-credentials"
            />
            {values.credentials === 'storage-account' ? (
              <TextInput
                aria-label="Storage account id"
                placeholder="Storage account id"
                description="Its row in the product database holds the refresh token used."
                styles={MONO}
                maxLength={200}
                data-testid="source-account"
                {...text('storageAccountId')}
              />
            ) : (
              <Text size="xs" c="dimmed" data-testid="source-connection-account">
                The Google connection’s own account: the one connected with Connect on the Connections page, or its service account.
              </Text>
            )}
          </Stack>
        </SimpleGrid>
        <TextInput
          label="Spreadsheet"
          description="The spreadsheet id, or its address (…/spreadsheets/d/<id>/edit) pasted whole."
          withAsterisk
          styles={MONO}
          data-testid="source-spreadsheet"
          {...text('spreadsheetId')}
        />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="source-method-label">
            Read with
          </Text>
          <SegmentedControl
            aria-labelledby="source-method-label"
            value={values.method}
            onChange={(value) => form.set('method', value)}
            data={[
              { value: 'sheets-api', label: 'Sheets API (any tab, row windows)' },
              { value: 'csv-export', label: 'CSV export (first tab, up to 10 MB)' },
            ]}
            data-testid="source-method"
          />
          {errors.method && (
            <Text size="xs" c="red" role="alert">
              {errors.method}
            </Text>
          )}
        </Stack>
        <SimpleGrid cols={3}>
          <TextInput label="Tab" data-testid="source-tab" description={csv ? 'The CSV export reads the first tab.' : 'Empty: the first tab.'} maxLength={200} disabled={csv && !values.sheet} {...text('sheet')} />
          <TextInput label="Range" data-testid="source-range" description="Header row first, e.g. A1:F. Empty: the whole tab." styles={MONO} disabled={csv && !values.range} {...text('range')} />
          <TextInput label="Cache table" description="Created by the import, in the product database." withAsterisk styles={MONO} maxLength={57} data-testid="source-table" {...text('targetTable')} />
        </SimpleGrid>
        <ColumnMappingRows rows={values.columns} errors={errors} onChange={form.setColumn} onAdd={form.addColumn} onRemove={form.removeColumn} />
        <Fieldset legend="Timeouts" variant="filled">
          <SimpleGrid cols={3}>
            <TextInput label="Connect" description="Each request answered within" {...seconds('connectSeconds', 'connectMs')} />
            <TextInput label="Idle" description="A download may stall at most" {...seconds('idleSeconds', 'idleMs')} />
            <TextInput label="Total" description="The whole import, every phase" {...seconds('totalSeconds', 'totalMs')} />
          </SimpleGrid>
        </Fieldset>
        <FormFooter error={errors.form} saving={form.saving} submitLabel={source ? 'Save changes' : 'Add source'} submitTestId="source-save" onCancel={onClose} />
      </Stack>
    </form>
  );
}
