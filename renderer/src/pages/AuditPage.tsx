import type { RunTrigger } from '@core/api';
import { Alert, Center, EmptyState, Group, Loader, Select, Stack } from '@mantine/core';
import { IconAlertCircle, IconListSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { AuditTable } from '../components/AuditTable';
import { PageHeader } from '../components/PageHeader';
import { TablePager } from '../components/table/TablePager';
import { useApiQuery } from '../hooks/useApi';
import { useAppInfo } from '../hooks/useAppInfo';
import { withoutEmpty } from '../lib/query-input';
import { RUN_TRIGGERS, TRIGGER_LABEL } from '../lib/run-states';

export function AuditPage() {
  const engines = useAppInfo().data?.engines ?? [];
  const [engine, setEngine] = useState<string | null>(null);
  const [actor, setActor] = useState<RunTrigger | null>(null);
  const [paging, setPaging] = useState({ offset: 0, limit: 50 });
  const query = useApiQuery('audit.list', withoutEmpty({ engine: engine ?? undefined, actor: actor ?? undefined, ...paging }), {
    keepPrevious: true,
  });
  const page = query.data;
  const filtered = engine !== null || actor !== null;

  return (
    <Stack gap="lg">
      <PageHeader
        title="Audit log"
        description="Every change Syncwarden made, who asked for it, and what the data looked like before and after. Click a row to expand it."
      />
      <Group gap="sm" align="flex-end" role="search" aria-label="Filter the audit log">
        <Select
          label="Engine"
          placeholder="All engines"
          data={engines.map((e) => ({ value: e.id, label: e.title }))}
          value={engine}
          onChange={(next) => {
            setEngine(next);
            setPaging((p) => ({ ...p, offset: 0 }));
          }}
          clearable
          w={200}
        />
        <Select<RunTrigger>
          label="Actor"
          placeholder="Anyone"
          data={RUN_TRIGGERS.map((value) => ({ value, label: TRIGGER_LABEL[value] }))}
          value={actor}
          onChange={(next) => {
            setActor(next);
            setPaging((p) => ({ ...p, offset: 0 }));
          }}
          clearable
          w={160}
        />
      </Group>
      {query.isError && !page && (
        <Alert color="red" icon={<IconAlertCircle />} title="Could not load the audit log">
          {query.error.message}
        </Alert>
      )}
      {query.isLoading ? (
        <Center py="xl">
          <Loader size="sm" aria-label="Loading the audit log" />
        </Center>
      ) : page && page.items.length === 0 ? (
        <EmptyState
          icon={<IconListSearch size={28} aria-hidden />}
          withIndicatorBackground
          size="sm"
          title={filtered ? 'No entries match these filters' : 'The audit log is empty'}
          description={
            filtered
              ? 'Clear a filter to see more.'
              : 'Repairs and quarantines are recorded here as they happen, with who asked for them. Nothing has been changed yet.'
          }
        />
      ) : (
        page && (
          <>
            <AuditTable entries={page.items} />
            <TablePager total={page.total} offset={paging.offset} limit={paging.limit} onChange={setPaging} noun="entries" />
          </>
        )
      )}
    </Stack>
  );
}
