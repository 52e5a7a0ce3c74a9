import { Badge, Button, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { IconDownload, IconEye } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { PageHeader } from '../components/PageHeader';
import { RunDetailDrawer } from '../components/RunDetailDrawer';
import { RunProgressBar } from '../components/RunProgressBar';
import { RunsTable } from '../components/RunsTable';
import { Section } from '../components/Section';
import { MailPreview } from '../components/mail/MailPreview';
import { MailUsersTable } from '../components/mail/MailUsersTable';
import { latestOutcomes } from '../components/mail/mail-results';
import { useMailActions, useMailRuns } from '../components/mail/useMail';
import { formatCount } from '../lib/format';

/**
 * Gmail import (seed 003): each user's switch and interval (the product's own
 * settings, editable here), what imports left (cursor, last import, count,
 * errors), Import now and Preview per user and for all, and the run history.
 */
export function MailPage() {
  const { active, history, latestCheck } = useMailRuns();
  const actions = useMailActions();
  const [openRunId, setOpenRunId] = useState<number | null>(null);
  const latest = useMemo(() => latestOutcomes(history.runs), [history.runs]);
  // A user with a run in flight (of them, or of everyone) has their buttons busy.
  const busyUsers = useMemo(() => new Set(active.map((run) => (typeof run.params.user === 'string' ? run.params.user : '')).filter(Boolean)), [active]);
  const allBusy = active.some((run) => run.params.user === undefined && run.params.mode !== 'check');

  return (
    <Stack gap="xl">
      <PageHeader
        title="Mail"
        description="Each user's Gmail import into the product database. The switch and interval are the user's own settings in the product; a schedule never imports a user whose import is off, an Import now of one user does."
        actions={
          <Group gap="xs">
            <Button variant="default" leftSection={<IconEye size={16} aria-hidden />} onClick={() => actions.preview()} data-testid="mail-preview-all">
              Preview all
            </Button>
            <Button leftSection={<IconDownload size={16} aria-hidden />} onClick={() => actions.importNow()} loading={allBusy} data-testid="mail-import-all">
              Import now for all
            </Button>
          </Group>
        }
      />
      {active.length > 0 && (
        <Stack gap="xs" data-testid="mail-active">
          {active.map((run) => (
            <Stack key={run.id} gap={2}>
              <Text size="sm">
                {run.params.mode === 'check' ? 'Preview' : 'Import'} #{run.id} of {run.params.user ? `user ${String(run.params.user)}` : 'every user whose import is on'}
              </Text>
              <RunProgressBar run={run} hideIdentity />
            </Stack>
          ))}
        </Stack>
      )}
      <Section id="mail-users-title" title="Users" hint="Import now for all imports only users whose import is on; Import now of one user imports them whatever their switch says.">
        <MailUsersTable latest={latest} busyUsers={busyUsers} onImport={(user) => actions.importNow(user)} onPreview={(user) => actions.preview(user)} />
      </Section>
      <Section id="mail-preview-title" title="Preview" hint="What an import started now would bring in. A preview writes nothing.">
        <MailPreview run={latestCheck} />
      </Section>
      <Stack gap="sm">
        <Group justify="space-between">
          <Group gap="xs">
            <Title order={3} size="h4">
              Mail import runs
            </Title>
            {history.total > 0 && <Badge variant="default">{formatCount(history.total)}</Badge>}
          </Group>
          {history.hasNextPage && (
            <Button variant="subtle" size="xs" onClick={() => void history.fetchNextPage()} loading={history.isFetchingNextPage}>
              Load older runs
            </Button>
          )}
        </Group>
        {history.isLoading ? (
          <Center py="md">
            <Loader size="sm" aria-label="Loading mail import runs" />
          </Center>
        ) : history.runs.length === 0 ? (
          <Text size="sm" c="dimmed">
            No mail import has run yet.
          </Text>
        ) : (
          <RunsTable runs={history.runs} onOpen={(run) => setOpenRunId(run.id)} hasMore={Boolean(history.hasNextPage) && !history.isFetchingNextPage} loadMore={() => void history.fetchNextPage()} />
        )}
      </Stack>
      <RunDetailDrawer runId={openRunId} onClose={() => setOpenRunId(null)} />
    </Stack>
  );
}
