import { Anchor, Group, PasswordInput, Text, Textarea } from '@mantine/core';
import type { ReactNode } from 'react';
import type { SecretFieldSpec } from './connection-kinds';
import { useSecretStoreWhere } from './useSecretStoreWording';

interface SecretFieldProps {
  secret: SecretFieldSpec;
  value: string;
  /** A value is stored in the secret store (on edit); the value itself never reaches the renderer. */
  hasSecret: boolean;
  removing: boolean;
  error: string | undefined;
  onChange: (value: string) => void;
  onRemoveChange: (removing: boolean) => void;
}

const SET_PLACEHOLDER = '•••••• set — leave empty to keep';

/**
 * Write-only: the field starts empty even when a secret is stored, and a typed
 * value is sent once, on save. Optional secrets that are set can be removed.
 */
export function SecretField({ secret, value, hasSecret, removing, error, onChange, onRemoveChange }: SecretFieldProps) {
  const canRemove = hasSecret && !secret.required;
  const where = useSecretStoreWhere();
  const description: ReactNode = removing ? (
    <Text span size="xs" c="orange">
      Will be removed when you save.{' '}
      <Anchor component="button" type="button" size="xs" onClick={() => onRemoveChange(false)}>
        Keep it
      </Anchor>
    </Text>
  ) : (
    <Group component="span" gap={6} wrap="wrap">
      {secret.description && <span>{secret.description}</span>}
      <span>Kept in {where}; never shown again.</span>
      {canRemove && (
        <Anchor component="button" type="button" size="xs" c="red" onClick={() => onRemoveChange(true)} aria-label={`Remove the stored ${secret.label}`}>
          Remove
        </Anchor>
      )}
    </Group>
  );
  const common = {
    label: secret.label,
    description,
    withAsterisk: secret.required && !hasSecret,
    placeholder: removing ? 'Will be removed' : hasSecret ? SET_PLACEHOLDER : undefined,
    disabled: removing,
    error,
    value,
    autoComplete: 'new-password',
    'data-testid': `connection-secret-${secret.field}`,
  };
  if (secret.multiline) {
    return (
      <Textarea
        {...common}
        onChange={(event) => onChange(event.currentTarget.value)}
        autosize
        minRows={3}
        maxRows={10}
        spellCheck={false}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 'var(--mantine-font-size-xs)' } }}
      />
    );
  }
  return <PasswordInput {...common} onChange={(event) => onChange(event.currentTarget.value)} />;
}
