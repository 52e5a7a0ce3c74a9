import type { Connection } from '@core/api';
import { Group, SimpleGrid, Stack, Title } from '@mantine/core';
import { ConnectionCard } from './ConnectionCard';
import { KIND_ORDER, kindSpec } from './connection-kinds';

interface ConnectionGroupsProps {
  connections: Connection[];
  isTesting: (id: number) => boolean;
  onTest: (id: number) => void;
  onEdit: (connection: Connection) => void;
  onRemove: (connection: Connection) => void;
}

/** One section per kind that has connections, in a fixed order, so a given service is always in the same place. */
export function ConnectionGroups({ connections, isTesting, onTest, onEdit, onRemove }: ConnectionGroupsProps) {
  return (
    <Stack gap="xl">
      {KIND_ORDER.map((kind) => {
        const ofKind = connections.filter((c) => c.kind === kind).sort((a, b) => a.name.localeCompare(b.name));
        if (ofKind.length === 0) return null;
        const spec = kindSpec(kind);
        const Icon = spec.icon;
        return (
          <Stack key={kind} gap="sm" component="section" aria-label={spec.label} data-testid={`connection-group-${kind}`}>
            <Group gap="xs">
              <Icon size={20} aria-hidden />
              <Title order={3} size="h4">
                {spec.label}
              </Title>
            </Group>
            <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="md">
              {ofKind.map((connection) => (
                <ConnectionCard
                  key={connection.id}
                  connection={connection}
                  testing={isTesting(connection.id)}
                  onTest={() => onTest(connection.id)}
                  onEdit={() => onEdit(connection)}
                  onRemove={() => onRemove(connection)}
                />
              ))}
            </SimpleGrid>
          </Stack>
        );
      })}
    </Stack>
  );
}
