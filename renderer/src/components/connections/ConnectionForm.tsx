import type { Connection } from '@core/api';
import { Accordion, Stack, TextInput } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { ConfigField } from './ConfigField';
import { configError, secretError } from './connection-form';
import { kindSpec, visibleFields } from './connection-kinds';
import { KindLabel, KindPicker } from './KindPicker';
import { SavedStep } from './SavedStep';
import { EnvSecretField } from './EnvSecretField';
import { SecretField } from './SecretField';
import { useConnectionForm } from './useConnectionForm';
import { FormFooter } from '../FormFooter';

interface ConnectionFormProps {
  /** Set when editing; absent when adding. */
  connection?: Connection;
  onClose: () => void;
  onTest: (id: number) => void;
}

/** Add or edit one connection; after a save it offers to test it. Enter submits, Escape (the modal) closes. */
export function ConnectionForm({ connection, onClose, onTest }: ConnectionFormProps) {
  const form = useConnectionForm(connection);
  const { values, errors, secretsFromEnv } = form;
  const formRef = useRef<HTMLFormElement>(null);

  // Send focus to the first field the check refused, so keyboard and screen-reader users land on it.
  useEffect(() => {
    if (form.refusals === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [form.refusals]);

  const saved = form.saved;
  if (saved) {
    const testNow = () => {
      onTest(saved.id);
      onClose();
    };
    return <SavedStep connection={saved} onClose={onClose} onTest={testNow} />;
  }

  const spec = kindSpec(values.kind);
  const fields = visibleFields(values.kind, values.config);
  const field = (key: string) => {
    const found = fields.find((f) => f.key === key);
    return (
      found && (
        <ConfigField
          key={key}
          field={found}
          value={values.config[key] ?? ''}
          error={errors[configError(key)]}
          onChange={(value) => form.setConfig(key, value)}
        />
      )
    );
  };
  const advanced = fields.filter((f) => f.advanced);

  return (
    <form ref={formRef} onSubmit={form.submit} noValidate aria-label={connection ? `Edit ${connection.name}` : 'Add a connection'}>
      <Stack gap="md">
        {connection ? <KindLabel kind={values.kind} /> : <KindPicker value={values.kind} onChange={form.setKind} />}
        <TextInput
          label="Name"
          description="How this connection is shown in the console, e.g. “Production media”."
          withAsterisk
          value={values.name}
          onChange={(event) => form.setName(event.currentTarget.value)}
          error={errors.name}
          maxLength={80}
          data-autofocus
          data-testid="connection-name"
        />
        {fields.filter((f) => !f.advanced).map((f) => field(f.key))}
        {spec.secrets.map((secret) =>
          secretsFromEnv ? (
            <EnvSecretField key={secret.field} secret={secret} connectionName={values.name} hasSecret={connection?.secrets[secret.field]?.hasSecret ?? false} error={errors[secretError(secret.field)]} />
          ) : (
          <SecretField
            key={secret.field}
            secret={secret}
            value={values.secrets[secret.field] ?? ''}
            hasSecret={connection?.secrets[secret.field]?.hasSecret ?? false}
            removing={values.removeSecrets.includes(secret.field)}
            error={errors[secretError(secret.field)]}
            onChange={(value) => form.setSecret(secret.field, value)}
            onRemoveChange={(removing) => form.setRemoving(secret.field, removing)}
          />
          ),
        )}
        {advanced.length > 0 && (
          <Accordion variant="contained" value={form.advancedOpen ? 'advanced' : null} onChange={(value) => form.setAdvancedOpen(value === 'advanced')}>
            <Accordion.Item value="advanced">
              <Accordion.Control data-testid="connection-advanced">Advanced</Accordion.Control>
              <Accordion.Panel>
                <Stack gap="md">{advanced.map((f) => field(f.key))}</Stack>
              </Accordion.Panel>
            </Accordion.Item>
          </Accordion>
        )}
        <FormFooter error={errors.form} saving={form.saving} submitLabel={connection ? 'Save changes' : 'Add connection'} submitTestId="connection-save" onCancel={onClose} />
      </Stack>
    </form>
  );
}
