import type { RunTrigger } from '@core/api';
import { Alert, Center, EmptyState, Group, Loader, NumberInput, Select, Stack, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertCircle, IconListSearch, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { useSearch } from 'wouter';
import { AuditTable } from '../components/AuditTable';
import { PageHeader } from '../components/PageHeader';
import { TablePager } from '../components/table/TablePager';
import { useApiQuery } from '../hooks/useApi';
import { useAppInfo } from '../hooks/useAppInfo';
import { withoutEmpty } from '../lib/query-input';
import { RUN_TRIGGERS, TRIGGER_LABEL } from '../lib/run-states';

function linkedFilters(search: string): { user: string; subject: string; runId: number | null } {
  const params = new URLSearchParams(search);
  const run = Number(params.get('run'));
  return { user: params.get('user') ?? '', subject: params.get('subject') ?? '', runId: Number.isInteger(run) && run > 0 ? run : null };
}

export function AuditPage() {
  const engines = useAppInfo().data?.engines ?? [];
  const [engine, setEngine] = useState<string | null>(null);
  const [actor, setActor] = useState<RunTrigger | null>(null);
  // "/audit?run=12", "?user=ada@x", "?subject=row:3" (a link from a run, a user or a finding) sets those filters, on arrival and on each new link.
  const [paging, setPaging] = useState({ offset: 0, limit: 50 });
  const search = useSearch();
  const linked = linkedFilters(search);
  const [userText, setUserText] = useState(linked.user);
  const [subjectText, setSubjectText] = useState(linked.subject);
  const [runId, setRunId] = useState<number | null>(linked.runId);
  const [seenSearch, setSeenSearch] = useState(search);
  if (search !== seenSearch) {
    setSeenSearch(search);
    setUserText(linked.user);
    setSubjectText(linked.subject);
    setRunId(linked.runId);
    setPaging((p) => ({ ...p, offset: 0 }));
  }
  const [user] = useDebouncedValue(userText.trim(), 300);
  const [subject] = useDebouncedValue(subjectText.trim(), 300);
  const toFirstPage = () => setPaging((p) => ({ ...p, offset: 0 }));
  const query = useApiQuery(
    'audit.list',
    withoutEmpty({ engine: engine ?? undefined, actor: actor ?? undefined, user, subject, runId: runId ?? undefined, ...paging }),
    { keepPrevious: true },
  );
  const page = query.data;
  const filtered = engine !== null || actor !== null || user !== '' || subject !== '' || runId !== null;

  return (
    <Stack gap="lg">
      <PageHeader
        title="Audit log"
        description="Every change Syncwarden made, who asked for it, and which fields it changed. Click a row to see the change field by field and, where its engine can, to revert it."
      />
      <Group gap="sm" align="flex-end" role="search" aria-label="Filter the audit log">
        <Select
          label="Engine"
          placeholder="All engines"
          data={engines.map((e) => ({ value: e.id, label: e.title }))}
          value={engine}
          onChange={(next) => {
            setEngine(next);
            toFirstPage();
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
            toFirstPage();
          }}
          clearable
          w={140}
        />
        <TextInput
          label="User"
          placeholder="ada@example.com or a user id"
          leftSection={<IconSearch size={14} aria-hidden />}
          value={userText}
          onChange={(event) => {
            setUserText(event.currentTarget.value);
            toFirstPage();
          }}
          w={260}
          data-testid="audit-filter-user"
        />
        <TextInput
          label="Subject"
          placeholder="a name, an email, row:12"
          leftSection={<IconSearch size={14} aria-hidden />}
          value={subjectText}
          onChange={(event) => {
            setSubjectText(event.currentTarget.value);
            toFirstPage();
          }}
          w={200}
          data-testid="audit-filter-subject"
        />
        <NumberInput
          label="Run"
          placeholder="#"
          min={1}
          allowDecimal={false}
          allowNegative={false}
          hideControls
          value={runId ?? ''}
          onChange={(value) => {
            setRunId(typeof value === 'number' && value >= 1 ? value : null);
            toFirstPage();
          }}
          w={100}
          data-testid="audit-filter-run"
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
