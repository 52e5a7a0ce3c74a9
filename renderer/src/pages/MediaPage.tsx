import { Alert, Button, Center, EmptyState, Group, Loader, SimpleGrid, Stack } from '@mantine/core';
import { IconCloudDownload, IconDownload, IconMovie, IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import { PageHeader } from '../components/PageHeader';
import { RunProgressBar } from '../components/RunProgressBar';
import { StatCard } from '../components/StatCard';
import { BudgetCard } from '../components/media/BudgetCard';
import { ImportAllModal } from '../components/media/ImportAllModal';
import { MediaSections } from '../components/media/MediaSections';
import { MEDIA_ENGINE, MISSING_IN_DB, useMediaActions, useMediaRuns } from '../components/media/useMedia';
import { useApiQuery } from '../hooks/useApi';
import { formatCount, formatRelative } from '../lib/format';

const FINDINGS_SHOWN = 50;

/** Cloudinary videos and clips vs the product database: counts, findings with previews, imports. */
export function MediaPage() {
  const overview = useApiQuery('media.overview', {});
  const findings = useApiQuery('findings.list', { engine: MEDIA_ENGINE, status: 'open', sort: 'createdAt', direction: 'asc', limit: FINDINGS_SHOWN });
  const imported = useApiQuery('media.imported', { limit: 12 });
  const { active, latest } = useMediaRuns();
  const actions = useMediaActions();
  const [confirmAll, setConfirmAll] = useState(false);
  const busy = actions.isPending;
  const checking = active.some((run) => run.params.mode !== 'repair');
  const missing = overview.data?.findings.byKind[MISSING_IN_DB] ?? 0;
  const never = overview.data !== undefined && overview.data.checkedAt === null && overview.data.findings.open === 0 && !latest;

  return (
    <Stack gap="lg">
      <PageHeader
        title="Media"
        description="Videos and clips in Cloudinary under <root>/users/<email>/ compared with the product database. A check spends Cloudinary API calls; an import spends none."
        actions={
          // The empty state has its own first-check button; one is enough (as on Storage), and nothing to import yet.
          !never && (
            <Group gap="xs">
              <Button variant="default" leftSection={<IconRefresh size={16} aria-hidden />} onClick={() => actions.check()} loading={busy && !confirmAll} disabled={checking} data-testid="media-check">
                {checking ? 'Checking…' : 'Check all'}
              </Button>
              <Button leftSection={<IconDownload size={16} aria-hidden />} disabled={missing === 0 || busy} onClick={() => setConfirmAll(true)} data-testid="media-import-all">
                Import all{missing ? ` (${formatCount(missing)})` : ''}
              </Button>
            </Group>
          )
        }
      />
      {actions.error && (
        <Alert color="red" title="The run did not start">
          {actions.error.message}
        </Alert>
      )}
      {(active.length ? active : latest ? [latest] : []).map((run) => (
        <RunProgressBar key={run.id} run={run} />
      ))}
      {overview.isLoading ? (
        <Center py="xl">
          <Loader size="sm" aria-label="Loading media" />
        </Center>
      ) : never ? (
        <EmptyState
          icon={<IconMovie size={28} aria-hidden />}
          withIndicatorBackground
          size="sm"
          title="Media has not been checked yet"
          description="A check lists every user’s Cloudinary folders and compares them with the videos and clips tables. It needs a product database and a Cloudinary connection."
          data-testid="media-empty"
        >
          <Button mt="sm" leftSection={<IconRefresh size={16} aria-hidden />} onClick={() => actions.check()} loading={busy} data-testid="media-sync-storage">
            Check all
          </Button>
        </EmptyState>
      ) : overview.data ? (
        <>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <StatCard label="Missing in DB" value={formatCount(missing)} hint="assets without a row" icon={IconCloudDownload} color="orange" testId="media-missing" />
            <StatCard label="Last complete check" value={overview.data.checkedAt ? formatRelative(overview.data.checkedAt) : 'never'} hint={`${formatCount(overview.data.users.length)} users`} icon={IconRefresh} color="blue" />
            <BudgetCard budget={overview.data.budget} />
          </SimpleGrid>
          <MediaSections overview={overview.data} findings={findings.data ?? { items: [], total: 0 }} imported={imported.data?.rows ?? []} busy={busy} repair={actions.repair} />
        </>
      ) : null}
      <ImportAllModal
        opened={confirmAll}
        count={missing}
        onClose={() => setConfirmAll(false)}
        onConfirm={() => {
          setConfirmAll(false);
          actions.repair({ all: true });
        }}
      />
    </Stack>
  );
}
