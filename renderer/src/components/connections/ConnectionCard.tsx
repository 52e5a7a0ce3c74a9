import type { Connection } from '@core/api';
import { Badge, Button, Card, Group, Loader, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconEdit, IconLock, IconLockOpen, IconLogin, IconPlugConnected, IconPlugConnectedX, IconTrash } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Facts } from '../Facts';
import { CheckResult } from './CheckResult';
import { kindSpec } from './connection-kinds';

interface ConnectionCardProps {
  connection: Connection;
  testing: boolean;
  onTest: () => void;
  onEdit: () => void;
  onRemove: () => void;
  onConnect: () => void;
  onDisconnect: () => void;
}

/** The admin's own account, connected with Connect (its address only; the token stays in the secret store). */
export function connectedEmail(connection: Connection): string | null {
  const account = connection.config.connectedAccount as { email?: unknown } | undefined;
  return typeof account?.email === 'string' ? account.email : null;
}

/** Settings worth seeing at a glance: the kind's summary fields that have a value. */
function summary(connection: Connection): [string, string][] {
  return kindSpec(connection.kind)
    .fields.filter((field) => field.summary)
    .flatMap((field): [string, string][] => {
      const value = connection.config[field.key];
      if (value === undefined || value === null || value === '') return [];
      const shown = field.options?.find((option) => option.value === value)?.label ?? String(value);
      return [[field.label, shown]];
    });
}

export function ConnectionCard({ connection, testing, onTest, onEdit, onRemove, onConnect, onDisconnect }: ConnectionCardProps) {
  const spec = kindSpec(connection.kind);
  const Icon = spec.icon;
  const { id, name } = connection;
  const email = connectedEmail(connection);
  const account: [string, ReactNode][] = spec.connect
    ? [
        [
          'Your account',
          <Text key="account" size="sm" c={email ? undefined : 'dimmed'} style={{ overflowWrap: 'anywhere' }} data-testid={`connection-account-${id}`}>
            {email ?? 'Not connected'}
          </Text>,
        ],
      ]
    : [];
  return (
    <Card withBorder radius="md" padding="md" data-testid={`connection-card-${id}`} component="article" aria-label={name}>
      <Stack gap="sm" h="100%">
        <Group gap="sm" wrap="nowrap">
          <ThemeIcon variant="light" size={36} radius="md" aria-hidden>
            <Icon size={20} />
          </ThemeIcon>
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
              {name}
            </Text>
            <Text size="xs" c="dimmed">
              {spec.label}
            </Text>
          </Stack>
        </Group>

        <Facts labelWidth={120} items={[...account, ...summary(connection).map(([label, value]): [string, ReactNode] => [label, <Text key={label} size="sm" style={{ overflowWrap: 'anywhere' }}>{value}</Text>])]} />

        <Group gap={6} aria-label="Secrets">
          {spec.secrets.map((secret) => {
            const set = connection.secrets[secret.field]?.hasSecret ?? false;
            const missing = !set && secret.required;
            return (
              <Badge
                key={secret.field}
                variant="light"
                color={set ? 'gray' : missing ? 'red' : 'gray'}
                leftSection={set ? <IconLock size={12} aria-hidden /> : <IconLockOpen size={12} aria-hidden />}
                tt="none"
                data-testid={`connection-secret-${id}-${secret.field}`}
              >
                {secret.label}: {set ? 'set' : 'not set'}
              </Badge>
            );
          })}
        </Group>

        <CheckResult check={connection.lastCheck} testing={testing} testId={`connection-status-${id}`} />

        {spec.connect && (
          <Group gap="xs">
            <Button size="xs" variant={email ? 'default' : 'filled'} leftSection={<IconLogin size={14} aria-hidden />} onClick={onConnect} data-testid={`connection-connect-${id}`}>
              {email ? 'Reconnect' : `Connect ${spec.connect.service}`}
            </Button>
            {email && (
              <Button size="xs" variant="subtle" color="red" leftSection={<IconPlugConnectedX size={14} aria-hidden />} onClick={onDisconnect} data-testid={`connection-disconnect-${id}`}>
                Disconnect
              </Button>
            )}
          </Group>
        )}

        <Group gap="xs" mt="auto">
          <Button
            size="xs"
            variant="light"
            leftSection={testing ? <Loader size={12} aria-hidden /> : <IconPlugConnected size={14} aria-hidden />}
            disabled={testing}
            onClick={onTest}
            data-testid={`connection-test-${id}`}
            aria-label={`Test ${name}`}
            aria-busy={testing}
          >
            {testing ? 'Testing…' : 'Test'}
          </Button>
          <Button size="xs" variant="default" leftSection={<IconEdit size={14} aria-hidden />} onClick={onEdit} aria-label={`Edit ${name}`} data-testid={`connection-edit-${id}`}>
            Edit
          </Button>
          <Button size="xs" variant="subtle" color="red" leftSection={<IconTrash size={14} aria-hidden />} onClick={onRemove} aria-label={`Remove ${name}`} data-testid={`connection-remove-${id}`}>
            Remove
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
