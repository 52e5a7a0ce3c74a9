import type { SheetSource } from '@core/api';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { ConfirmRemoveModal } from '../ConfirmRemoveModal';
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
    <ConfirmRemoveModal opened={opened} onClose={onClose} title={`Remove ${name}?`} confirmLabel={`Remove ${name}`} confirmTestId="source-remove-confirm" count={{ n: 1, noun: 'sheet source' }} reversibility={{ kind: 'irreversible', note: 'To import it again, add the source anew; its cache table is not touched either way.' }} pending={remove.isPending} onConfirm={() => source && remove.mutate({ id: source.id })}>
      This removes the source <strong>{name}</strong>: it will not be imported again. Its cache table <code>{source?.spec.targetTable}</code>
      {typeof rows === 'number' ? ` (${formatCount(rows)} rows)` : ''} stays in the product database, untouched, with the import history and audit log.
    </ConfirmRemoveModal>
  );
}
