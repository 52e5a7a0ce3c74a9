import { Button, EmptyState } from '@mantine/core';
import { IconPlugConnected, IconPlus } from '@tabler/icons-react';
import { useSecretStoreWhere } from './useSecretStoreWording';

/** First visit: say what a connection is for, and offer the one thing to do next. */
export function NoConnections({ onAdd }: { onAdd: () => void }) {
  const where = useSecretStoreWhere();
  return (
    <EmptyState
      icon={<IconPlugConnected size={28} aria-hidden />}
      withIndicatorBackground
      title="No connections yet"
      description={`A connection tells Syncwarden how to reach your product's database and the services it mirrors: Google, Dropbox, Cloudinary and Supabase. Secrets are kept in ${where} and never shown again. Engines need their connections before they can check anything.`}
      data-testid="connections-empty"
    >
      <EmptyState.Actions>
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={onAdd} data-testid="add-connection">
          Add connection
        </Button>
      </EmptyState.Actions>
    </EmptyState>
  );
}
