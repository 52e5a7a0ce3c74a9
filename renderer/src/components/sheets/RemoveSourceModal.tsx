import type { SheetSource } from '@core/api';
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { apiKey, useApiMutation } from '../../hooks/useApi';
import { formatCount } from '../../lib/format';

/** Confirms by name, and says what stays: the cache table and the import history are kept. */
export function RemoveSourceModal({ source, opened, onClose }: { source: SheetSource | undefined; opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const name = source?.spec.name ?? 'the source';
  const rows = source?.lastSuccess?.result?.rows;
  const remove = useApiMutation('sheets.sources.delete', {
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: apiKey('sheets.sources.list') });
      notifications.show({ color: 'teal', title: 'Source removed', message: `“${name}” is no longer imported; its cache table ${source?.spec.targetTable ?? ''} is kept.` });
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={`Remove ${name}?`} centered>
      <Stack gap="md">
        <Text size="sm">
          This removes the source <strong>{name}</strong>: it will not be imported again. Its cache table <code>{source?.spec.targetTable}</code>
          {typeof rows === 'number' ? ` (${formatCount(rows)} rows)` : ''} stays in the product database, untouched, with the import history and audit log.
        </Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" loading={remove.isPending} onClick={() => source && remove.mutate({ id: source.id })} data-testid="source-remove-confirm" data-autofocus>
            Remove {name}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
