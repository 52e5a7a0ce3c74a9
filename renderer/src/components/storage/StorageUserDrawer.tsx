import type { Run } from '@core/api';
import { Button, Drawer, Group, Loader, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconArchive, IconRefresh } from '@tabler/icons-react';
import { useApiQuery } from '../../hooks/useApi';
import { formatCount } from '../../lib/format';
import { FindingBadges } from '../FindingStatusBadge';
import { RelativeTime } from '../RelativeTime';
import { AccountStatusBadge } from './AccountStatusBadge';
import { ProviderLabel } from './ProviderLabel';
import { KIND_STYLE, storageFindingView } from './storage-findings';
import { STORAGE_ENGINE, type StorageAccountRow, type StorageRepairChoice } from './useStorage';
import { useCheckIfStale } from './useCheckIfStale';

interface StorageUserDrawerProps {
  /** The row the person opened; null closes the drawer. */
  account: StorageAccountRow | null;
  activeRuns: Run[];
  busy: boolean;
  onClose: () => void;
  onCheck: (userId: string) => void;
  onRepair: (choice: StorageRepairChoice, count: number, scope: string) => void;
}

/**
 * A user's storage detail: each connected provider, and that user's open findings.
 * Opening it starts a quiet check when the last one is over an hour old.
 */
export function StorageUserDrawer({ account, activeRuns, busy, onClose, onCheck, onRepair }: StorageUserDrawerProps) {
  const userId = account?.userId ?? null;
  const stale = useCheckIfStale(userId, activeRuns);
  const accounts = useApiQuery('storage.accounts', { search: userId ?? '', limit: 10 }, { enabled: userId !== null });
  const mine = (accounts.data?.items ?? []).filter((row) => row.userId === userId);
  const who = account?.userEmail ?? account?.userId ?? '';
  const findings = useApiQuery('findings.list', { engine: STORAGE_ENGINE, status: 'open', search: who, limit: 100 }, { enabled: account !== null && who !== '' });
  const open = (findings.data?.items ?? []).filter((finding) => storageFindingView(finding).userId === null || storageFindingView(finding).userId === userId);
  const userRunning = activeRuns.some((run) => run.engine === STORAGE_ENGINE && run.scope.includes(userId ?? '\u0000'));

  return (
    <Drawer opened={account !== null} onClose={onClose} position="right" size="lg" title={<Text fw={700} size="lg">Storage of {who}</Text>} data-testid="storage-user-drawer">
      {account && (
        <Stack gap="lg">
          <Group justify="space-between" gap="sm">
            <Stack gap={0}>
              {account.userName && <Text fw={600}>{account.userName}</Text>}
              <Text size="xs" c="dimmed" ff="monospace">
                {account.userId}
              </Text>
            </Stack>
            {stale.checking ? (
              <Group gap={6} c="dimmed" data-testid="storage-user-checking" aria-live="polite">
                <Loader size={12} />
                <Text size="sm">checking…</Text>
              </Group>
            ) : (
              <Button size="compact-sm" variant="default" leftSection={<IconRefresh size={14} aria-hidden />} disabled={userRunning} onClick={() => onCheck(account.userId)} data-testid="storage-user-check">
                Check this user
              </Button>
            )}
          </Group>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {(mine.length ? mine : [account]).map((row) => (
              <Paper key={row.provider} withBorder radius="md" p="sm" data-testid={`storage-user-account-${row.provider}`}>
                <Stack gap={6}>
                  <Group justify="space-between" wrap="nowrap">
                    <ProviderLabel provider={row.provider} />
                    <AccountStatusBadge status={row.status} message={row.message} />
                  </Group>
                  {row.message && (
                    <Text size="xs" c={row.status === 'needs-reconnect' ? 'red' : 'dimmed'}>
                      {row.message}
                    </Text>
                  )}
                  <Text size="sm">
                    {formatCount(row.files)} files · {formatCount(row.openOrphans)} orphans · {formatCount(row.openTrashed)} trashed · {formatCount(row.quarantined)} quarantined
                  </Text>
                  <Text size="xs" c="dimmed">
                    Last check <RelativeTime iso={row.lastCheckAt} size="xs" /> · auto-sync {row.autoSync ? 'on' : 'off'} · auto-repair {row.deleteAfterSync ? 'on' : 'off'}
                  </Text>
                </Stack>
              </Paper>
            ))}
          </SimpleGrid>
          <Stack gap="xs">
            <Group justify="space-between">
              <Title order={4} size="h5">
                Open findings ({formatCount(open.length)})
              </Title>
              <Button
                size="compact-sm"
                color="violet"
                leftSection={<IconArchive size={14} aria-hidden />}
                disabled={open.length === 0 || busy}
                onClick={() => onRepair({ all: true, user: account.userId }, open.length, `of ${who}`)}
                data-testid="storage-user-repair-all"
              >
                Quarantine all ({formatCount(open.length)})
              </Button>
            </Group>
            {open.length === 0 ? (
              <Text size="sm" c="dimmed">
                Nothing open for this user.
              </Text>
            ) : (
              open.map((finding) => {
                const view = storageFindingView(finding);
                const kind = KIND_STYLE[finding.kind] ?? { label: finding.kind, color: 'gray' };
                return (
                  <Paper key={finding.id} withBorder radius="sm" p="xs">
                    <Group justify="space-between" wrap="nowrap" gap="xs">
                      <Stack gap={0} miw={0} style={{ flex: 1 }}>
                        <Text size="sm" fw={500} truncate>
                          {view.fileName}
                        </Text>
                        <Text size="xs" c="dimmed" truncate>
                          {finding.reason}
                        </Text>
                      </Stack>
                      <FindingBadges kind={kind} status={finding.status} />
                    </Group>
                  </Paper>
                );
              })
            )}
          </Stack>
        </Stack>
      )}
    </Drawer>
  );
}
