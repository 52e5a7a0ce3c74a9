import type { IdentityAction, IdentityPlan, IdentitySummary } from '@core/api';
import { Alert, Button, Group, List, Loader, Modal, NumberInput, Radio, Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { useApiQuery } from '../../hooks/useApi';
import { formatCount } from '../../lib/format';
import { ACTION_WORDS } from './identity-actions';

type RemoteOnly = 'ban' | 'leave' | 'delete';

interface RepairAllConfirmation {
  /** The digest of the plan whose users the admin saw named (the run refuses when its own plan's differs). */
  confirmDestructive?: string;
  confirmDeletes?: number;
  remoteOnly?: RemoteOnly;
}

interface SyncAllModalProps {
  opened: boolean;
  summary: IdentitySummary;
  onClose: () => void;
  onConfirm: (confirmed: RepairAllConfirmation) => void;
}

/** Users named by the dialog before "and N more". */
const NAMED = 10;

/** What happens to each named user's account, in a few words. */
const WHO_WORDS: Partial<Record<IdentityAction, string>> = {
  'ban-remote': 'banned in Supabase Auth',
  'delete-remote': 'soft-deleted in Supabase Auth, for good',
  'delete-local': 'row deleted from the users table',
  'relink-local': 'row relinked to a new Supabase id',
};

/**
 * "Repair all" states what it will do, per action: how many users, on which
 * side, and whether it can be undone. Supabase-only users are banned
 * (reversible) or left for a person; a soft delete is an explicit choice that
 * says it cannot be undone. The users whose account is banned or deleted are
 * named (from identity.plan), and the confirmation sends that plan's digest:
 * a run whose users changed since refuses instead of acting on others. Past
 * the mass-deletion guard (DESIGN §4) the admin types the number, which the
 * run checks again.
 */
export function SyncAllModal({ opened, summary, onClose, onConfirm }: SyncAllModalProps) {
  const [typed, setTyped] = useState<string | number>('');
  const [remoteOnly, setRemoteOnly] = useState<RemoteOnly>('ban');
  const actions = withPolicy(summary.actions, remoteOnly);
  const rows = (Object.entries(actions) as [IdentityAction, number][]).filter(([action, n]) => n > 0 && action !== 'none');
  const removals = (actions['ban-remote'] ?? 0) + (actions['delete-remote'] ?? 0) + (actions['delete-local'] ?? 0);
  const irreversible = actions['delete-remote'] ?? 0;
  const guarded = removals > summary.deleteLimit;
  const confirmed = !guarded || Number(typed) === removals;
  const remoteOnlyUsers = (summary.actions['ban-remote'] ?? 0) + (summary.actions['delete-remote'] ?? 0);
  // The plan names whom the destructive actions touch; fetched afresh each time the dialog opens (never a cached list).
  const plan = useApiQuery('identity.plan', { all: true, ...(remoteOnly !== 'ban' ? { remoteOnly } : {}) }, { enabled: opened, gcTime: 0, staleTime: 0 });
  const named = plan.data && !plan.isFetching ? plan.data : null;
  const waitingForNames = removals > 0 && named === null;
  const close = () => {
    setTyped('');
    setRemoteOnly('ban');
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={`Repair ${formatCount(summary.issues)} users?`} centered size="lg">
      <Stack gap="sm">
        <Text size="sm">
          Every user that is not in sync ({formatCount(summary.issues)} of {formatCount(summary.total)}) is repaired towards {summary.sourceOfTruth === 'supabase' ? 'Supabase Auth' : 'the users table'}. Each change is written to the audit log.
        </Text>
        <Table data-testid="sync-all-plan" withTableBorder>
          <Table.Tbody>
            {rows.map(([action, n]) => (
              <Table.Tr key={action} data-action={action}>
                <Table.Td>{formatCount(n)}</Table.Td>
                <Table.Td>
                  <Text size="sm">{ACTION_WORDS[action].side ? `In ${ACTION_WORDS[action].side}: ` : ''}{ACTION_WORDS[action].effect}</Text>
                  {ACTION_WORDS[action].destructive && (
                    <Text size="xs" c={ACTION_WORDS[action].reversible ? 'dimmed' : 'red'}>
                      {ACTION_WORDS[action].reversible ? 'Can be undone: ' : 'Cannot be undone: '}
                      {ACTION_WORDS[action].undo}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {remoteOnlyUsers > 0 && (
          <Radio.Group label={`${formatCount(remoteOnlyUsers)} users are in Supabase Auth only`} value={remoteOnly} onChange={(value) => setRemoteOnly(value as RemoteOnly)} data-testid="sync-all-remote-only">
            <Stack gap={4} mt={4}>
              <Radio value="ban" label="Ban them (reversible: a revert unbans)" />
              <Radio value="leave" label="Leave them for a person" />
              <Radio value="delete" label="Soft-delete them (cannot be undone: Supabase keeps their ids taken)" color="red" />
            </Stack>
          </Radio.Group>
        )}
        {removals > 0 && (
          <Alert color={guarded || irreversible ? 'red' : 'yellow'} icon={<IconAlertTriangle size={16} aria-hidden />} title={`${formatCount(removals)} users will be banned or deleted${irreversible ? `, ${formatCount(irreversible)} of them for good` : ''}`}>
            <DestructiveUsers plan={named} failed={plan.isError} />
            {guarded ? (
              <Stack gap="xs">
                <Text size="sm">
                  That is more than the safety limit of {formatCount(summary.deleteLimit)}. Type {removals} to confirm.
                </Text>
                <NumberInput label="Number of users banned or deleted" value={typed} onChange={setTyped} allowDecimal={false} min={0} data-testid="sync-all-confirm-count" data-autofocus />
              </Stack>
            ) : (
              <Text size="sm">Within the safety limit of {formatCount(summary.deleteLimit)}.</Text>
            )}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button
            color={irreversible ? 'red' : removals > 0 ? 'orange' : undefined}
            disabled={!confirmed || waitingForNames}
            onClick={() => {
              onConfirm({ ...(named?.digest ? { confirmDestructive: named.digest } : {}), ...(guarded ? { confirmDeletes: removals } : {}), ...(remoteOnly !== 'ban' ? { remoteOnly } : {}) });
              close();
            }}
            data-testid="sync-all-confirm"
          >
            Repair {formatCount(summary.issues)} users
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Whose account the repair bans or deletes: the first NAMED users of the plan, then how many more. */
function DestructiveUsers({ plan, failed }: { plan: IdentityPlan | null; failed: boolean }) {
  if (failed) return <Text size="sm" c="red">The users could not be listed; close this dialog and try again.</Text>;
  if (!plan) return <Loader size="xs" aria-label="Listing the users" />;
  const shown = plan.destructiveUsers.slice(0, NAMED);
  const more = plan.destructive - shown.length;
  return (
    <Stack gap={2} mb="xs" data-testid="sync-all-users">
      <List size="sm" spacing={0}>
        {shown.map((user) => (
          <List.Item key={user.findingId}>
            {user.email ?? user.subject.replace(/^user:/, '')} ({WHO_WORDS[user.action] ?? user.action})
          </List.Item>
        ))}
      </List>
      {more > 0 && <Text size="sm">and {formatCount(more)} more</Text>}
    </Stack>
  );
}

/** The check's plan with the chosen Supabase-only policy in place of ban. */
function withPolicy(actions: IdentitySummary['actions'], policy: RemoteOnly): IdentitySummary['actions'] {
  if (policy === 'ban') return actions;
  const remoteOnly = (actions['ban-remote'] ?? 0) + (actions['delete-remote'] ?? 0);
  const moved = { ...actions, 'ban-remote': 0, 'delete-remote': 0 };
  if (policy === 'delete') moved['delete-remote'] = remoteOnly;
  else moved.manual = (actions.manual ?? 0) + remoteOnly;
  return moved;
}
