import { Badge, Code, Group, Input, Text } from '@mantine/core';
import { envSecretVariable } from './connection-form';
import type { SecretFieldSpec } from './connection-kinds';

interface EnvSecretFieldProps {
  secret: SecretFieldSpec;
  /** The name being typed: the variable is named after it. */
  connectionName: string;
  hasSecret: boolean;
  error: string | undefined;
}

/**
 * A secret on a host that reads secrets from its environment (SYNCWARDEN_SECRETS=env):
 * the console cannot save a value, so it names the variable to set and says whether
 * the host has it. The host checks again on save and refuses a required one it lacks.
 */
export function EnvSecretField({ secret, connectionName, hasSecret, error }: EnvSecretFieldProps) {
  const variable = connectionName.trim() ? envSecretVariable(connectionName, secret.field) : null;
  return (
    <Input.Wrapper label={secret.label} withAsterisk={secret.required && !hasSecret} error={error} data-testid={`connection-env-secret-${secret.field}`}>
      <Group gap={6} wrap="wrap" mt={4}>
        <Badge size="sm" variant="light" color={hasSecret ? 'teal' : secret.required ? 'orange' : 'gray'}>
          {hasSecret ? 'set in the environment' : 'not set'}
        </Badge>
        <Text size="xs" c="dimmed">
          This host reads secrets from environment variables. Set{' '}
          {variable ? <Code>{variable}</Code> : 'the variable named after this connection'} before starting Syncwarden, then save.
        </Text>
      </Group>
    </Input.Wrapper>
  );
}
