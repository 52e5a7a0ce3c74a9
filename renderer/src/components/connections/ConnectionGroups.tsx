import type { Connection } from '@core/api';
import { SimpleGrid } from '@mantine/core';
import { ConnectionCard } from './ConnectionCard';
import { KIND_ORDER } from './connection-kinds';

interface ConnectionGroupsProps {
  connections: Connection[];
  isTesting: (id: number) => boolean;
  onTest: (id: number) => void;
  onEdit: (connection: Connection) => void;
  onRemove: (connection: Connection) => void;
  onConnect: (connection: Connection) => void;
  onDisconnect: (connection: Connection) => void;
}

/** Kinds in a fixed order, then names, so a given service is always in the same place (and "Test all" goes in that order). */
export function inDisplayOrder(connections: readonly Connection[]): Connection[] {
  const rank = (c: Connection) => KIND_ORDER.indexOf(c.kind);
  return [...connections].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

/**
 * Every connection as a card in one grid that fills the screen's width (each card names its kind).
 * One section per kind left most of a wide screen empty when each kind has a single connection.
 */
export function ConnectionGroups({ connections, isTesting, onTest, onEdit, onRemove, onConnect, onDisconnect }: ConnectionGroupsProps) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md" component="section" aria-label="Connections" data-testid="connection-grid">
      {inDisplayOrder(connections).map((connection) => (
        <ConnectionCard
          key={connection.id}
          connection={connection}
          testing={isTesting(connection.id)}
          onTest={() => onTest(connection.id)}
          onEdit={() => onEdit(connection)}
          onRemove={() => onRemove(connection)}
          onConnect={() => onConnect(connection)}
          onDisconnect={() => onDisconnect(connection)}
        />
      ))}
    </SimpleGrid>
  );
}
