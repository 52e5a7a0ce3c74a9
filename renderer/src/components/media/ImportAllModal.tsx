import { Button, Group, Modal, Text } from '@mantine/core';
import { formatCount } from '../../lib/format';

/** Importing every missing row is the one bulk action here: it states its count before it starts. */
export function ImportAllModal({ opened, count, onClose, onConfirm }: { opened: boolean; count: number; onClose: () => void; onConfirm: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={`Import ${formatCount(count)} missing ${count === 1 ? 'row' : 'rows'}?`} centered closeButtonProps={{ 'aria-label': 'Close' }}>
      <Text size="sm">
        This inserts {formatCount(count)} videos and clips that are in Cloudinary but have no row in the product database. Rows already present are left as they are, so running it twice
        changes nothing more. No Cloudinary API calls are spent.
      </Text>
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button onClick={onConfirm} data-testid="media-import-all-confirm" data-autofocus>
          Import {formatCount(count)}
        </Button>
      </Group>
    </Modal>
  );
}
