import type { IdentityUserDetail, IdentityUserRow } from '@core/api';
import { Alert, Anchor, Drawer, Group, Loader, Stack, Text } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'wouter';
import { formatDateTime } from '../../lib/format';
import { Facts } from '../Facts';
import { RelativeTime } from '../RelativeTime';
import { CopyId } from './CopyId';
import { FieldValues } from './FieldValues';
import { RecordFields } from './RecordFields';
import { SyncStatusBadge } from './SyncStatusBadge';
import { useUserDetail } from './useUserDetail';
import { UserAudit, UserFindings } from './UserHistory';

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** A time with its relative form, or what its absence means. */
function When({ iso, none }: { iso: string | null; none: string }) {
  if (!iso) {
    return (
      <Text size="sm" c="dimmed">
        {none}
      </Text>
    );
  }
  return (
    <Text size="sm">
      {formatDateTime(iso)}{' '}
      <Text span size="xs" c="dimmed">
        (<RelativeTime iso={iso} size="xs" />)
      </Text>
    </Text>
  );
}

/** Ids, times and sign-in of the user, from whichever side holds them. */
function Overview({ row, detail }: { row: IdentityUserRow; detail: IdentityUserDetail | undefined }) {
  const local = detail?.local.record ?? {};
  const remote = detail?.remote.record ?? {};
  const bannedUntil = text(remote.banned_until);
  return (
    <Facts
      labelWidth={170}
      items={[
        ['Users table id', <CopyId key="l" value={row.localId} label="users table id" testId="user-detail-local-id" />],
        ['Supabase id', <CopyId key="r" value={row.remoteId} label="Supabase id" testId="user-detail-remote-id" />],
        ['Created in Supabase', <When key="c" iso={text(remote.created_at)} none={row.remoteId ? '—' : 'not in Supabase Auth'} />],
        ['Created in users table', <When key="cl" iso={text(local.created_at) ?? text(local.createdAt)} none="—" />],
        ['Last sign-in', <When key="s" iso={text(remote.last_sign_in_at)} none={row.remoteId ? 'never signed in' : '—'} />],
        ['Email confirmed', <When key="e" iso={text(remote.email_confirmed_at)} none={row.remoteId ? 'not confirmed' : '—'} />],
        ...(bannedUntil ? ([['Banned until', <When key="b" iso={bannedUntil} none="—" />]] as [string, ReactNode][]) : []),
        ['Paired', row.matchedBy === null ? 'only one side has this user' : `by ${row.matchedBy}`],
      ]}
    />
  );
}

/** This user's own run history: engines key a user's runs by email or by id, so both scopes are asked for. */
function UserRunsLink({ row }: { row: IdentityUserRow }) {
  const scopes = [row.email, row.localId, row.remoteId].filter((v): v is string => Boolean(v)).map((v) => `user:${v}`);
  if (scopes.length === 0) return null;
  return (
    <Anchor component={Link} href={`/runs?scope=${encodeURIComponent([...new Set(scopes)].join(','))}`} size="sm" data-testid="user-detail-runs">
      Runs for this user
    </Anchor>
  );
}

interface UserDetailDrawerProps {
  /** The row the admin opened; null closes the panel. */
  row: IdentityUserRow | null;
  onClose: () => void;
}

/**
 * A user as an admin wants to see one (Supabase Studio's user panel is the
 * model): ids to copy, created and last sign-in times, what differs, both
 * sides' full records, and what the console found and did about this user.
 */
export function UserDetailDrawer({ row, onClose }: UserDetailDrawerProps) {
  const detail = useUserDetail(row);
  const data = detail.data;
  const who = row?.email ?? row?.localId ?? row?.remoteId ?? 'User';
  return (
    <Drawer
      opened={row !== null}
      onClose={onClose}
      position="right"
      size="xl"
      title={
        <Group gap="sm" wrap="nowrap" miw={0}>
          <Text fw={700} size="lg" truncate title={who}>
            {who}
          </Text>
          {row && <SyncStatusBadge status={row.status} testId="user-detail-status" />}
        </Group>
      }
      closeButtonProps={{ 'aria-label': 'Close user detail' }}
      // Mantine lifts every scrollbar inside a modal to z-index 1001, the JSON blocks' too: keep the sticky title above them.
      styles={{ header: { zIndex: 1002 } }}
      data-testid="user-detail"
    >
      {row && (
        <Stack gap="lg">
          <Group justify="space-between" wrap="wrap">
            {row.name ? <Text c="dimmed">{row.name}</Text> : <span />}
            <UserRunsLink row={row} />
          </Group>
          <Overview row={row} detail={data} />
          {row.status === 'inconsistent' && (
            <Group grow align="flex-start" gap="md" data-testid="user-detail-diffs">
              <Stack gap={4}>
                <Text size="xs" fw={700} tt="uppercase" c="dimmed">
                  Users table
                </Text>
                <FieldValues row={row} side="local" />
              </Stack>
              <Stack gap={4}>
                <Text size="xs" fw={700} tt="uppercase" c="dimmed">
                  Supabase
                </Text>
                <FieldValues row={row} side="remote" />
              </Stack>
            </Group>
          )}
          {detail.isLoading ? (
            <Group gap="xs" c="dimmed" data-testid="user-detail-loading">
              <Loader size="xs" />
              <Text size="sm">Reading both sides…</Text>
            </Group>
          ) : detail.error ? (
            <Alert color="red" icon={<IconAlertCircle size={16} aria-hidden />} title="Could not load this user">
              {detail.error.message}
            </Alert>
          ) : data ? (
            <>
              {/* History first: it is short, and the records below can run to a hundred fields. */}
              <UserFindings findings={data.findings} total={data.findingsTotal} />
              <UserAudit entries={data.audit} total={data.auditTotal} />
              <RecordFields title="Users table" side={data.local} testId="user-detail-local" />
              <RecordFields title="Supabase Auth" side={data.remote} testId="user-detail-remote" />
            </>
          ) : null}
        </Stack>
      )}
    </Drawer>
  );
}
