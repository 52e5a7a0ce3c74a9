import type { IdentityAction } from '@core/api';
import { List, Stack, Text } from '@mantine/core';
import { ConfirmActionModal } from '../ConfirmActionModal';
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
 * Asks before a destructive identity action (DESIGN §4.4) through the one
 * ConfirmActionModal: names the user(s), what happens on which side, and
 * whether it can be undone.
 */
export function ConfirmIdentityActionModal({ target, onClose, onConfirm }: { target: ConfirmTarget | null; onClose: () => void; onConfirm: (target: ConfirmTarget) => void }) {
  const words = target ? ACTION_WORDS[target.action] : null;
  const who = target ? (target.users.length === 1 ? target.users[0] : `${target.users.length} users`) : '';
  return (
    <ConfirmActionModal
      opened={target !== null}
      onClose={onClose}
      title={target ? `${target.label}: ${who}?` : ''}
      count={target ? { n: target.users.length, noun: 'user' } : undefined}
      reversibility={words?.reversible ? { kind: 'reversible', how: words.undo } : { kind: 'irreversible', note: words?.undo ?? '' }}
      confirmLabel={target?.label ?? ''}
      confirmTestId="identity-confirm-go"
      color={words?.reversible ? 'orange' : 'red'}
      onConfirm={() => target && onConfirm(target)}
    >
      {target && words && (
        <Stack gap="xs">
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
        </Stack>
      )}
    </ConfirmActionModal>
  );
}
