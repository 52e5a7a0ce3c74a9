import type { IdentityAction } from '@core/api';
import { Alert, Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconArrowBackUp } from '@tabler/icons-react';
import { ACTION_WORDS } from './identity-actions';

export interface ConfirmTarget {
  action: IdentityAction;
  /** The users it applies to, by email or id (a few are listed, the rest counted). */
  users: string[];
  /** The button's words, e.g. "Ban in Supabase". */
  label: string;
}

const LISTED = 5;

/**
 * Asks before a destructive identity action (DESIGN §4.4): names the user(s),
 * what happens on which side, and whether it can be undone.
 */
export function ConfirmIdentityActionModal({ target, onClose, onConfirm }: { target: ConfirmTarget | null; onClose: () => void; onConfirm: (target: ConfirmTarget) => void }) {
  const words = target ? ACTION_WORDS[target.action] : null;
  const who = target ? (target.users.length === 1 ? target.users[0] : `${target.users.length} users`) : '';
  return (
    <Modal opened={target !== null} onClose={onClose} title={target ? `${target.label}: ${who}?` : ''} centered data-testid="identity-confirm">
      {target && words && (
        <Stack gap="sm">
          {target.users.length > 1 && (
            <List size="sm" data-testid="identity-confirm-users">
              {target.users.slice(0, LISTED).map((user) => (
                <List.Item key={user}>{user}</List.Item>
              ))}
              {target.users.length > LISTED && <List.Item>and {target.users.length - LISTED} more</List.Item>}
            </List>
          )}
          <Text size="sm" data-testid="identity-confirm-effect">
            In {words.side}: {words.effect}
          </Text>
          <Alert
            color={words.reversible ? 'yellow' : 'red'}
            icon={words.reversible ? <IconArrowBackUp size={16} aria-hidden /> : <IconAlertTriangle size={16} aria-hidden />}
            title={words.reversible ? 'Can be undone' : 'Cannot be undone'}
            data-testid="identity-confirm-undo"
          >
            {words.undo}
          </Alert>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button color={words.reversible ? 'orange' : 'red'} onClick={() => onConfirm(target)} data-testid="identity-confirm-go" data-autofocus>
              {target.label}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
