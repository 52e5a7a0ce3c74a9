import type { Finding } from '@core/api';
import { Alert, Center, EmptyState, Loader, Stack } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertCircle, IconChecklist } from '@tabler/icons-react';
import type { SortingState } from '@tanstack/react-table';
import { useEffect, useState } from 'react';
import { FindingDrawer } from '../components/FindingDrawer';
import { FindingsFilters, NO_FILTERS, type FindingFilters } from '../components/FindingsFilters';
import { FindingsTable } from '../components/FindingsTable';
import { PageHeader } from '../components/PageHeader';
import { TablePager } from '../components/table/TablePager';
import { useApiQuery } from '../hooks/useApi';
import { useAppInfo } from '../hooks/useAppInfo';
import { isSortKey } from '../lib/findings';
import { clearFindingsUrl, readFindingsUrl, writeFindingsUrl } from '../lib/findings-url';
import { withoutEmpty } from '../lib/query-input';

const DEFAULT_SORT: SortingState = [{ id: 'createdAt', desc: true }];

export function FindingsPage() {
  const engines = useAppInfo().data?.engines ?? [];
  // Status and engine come from the URL (open findings when it says nothing), so a reload or a link keeps them.
  const [filters, setFilters] = useState<FindingFilters>(() => ({ ...NO_FILTERS, ...readFindingsUrl(window.location.search) }));
  const [sorting, setSorting] = useState<SortingState>(DEFAULT_SORT);
  const [paging, setPaging] = useState({ offset: 0, limit: 50 });
  const [open, setOpen] = useState<Finding | null>(null);
  // Typing in a box should not send one request per key stroke.
  const [search] = useDebouncedValue(filters.search.trim(), 300);
  const [kind] = useDebouncedValue(filters.kind.trim(), 300);
  const sort = sorting[0];

  const query = useApiQuery(
    'findings.list',
    withoutEmpty({
      engine: filters.engine ?? undefined,
      status: filters.status ?? undefined,
      kind,
      search,
      sort: sort && isSortKey(sort.id) ? sort.id : 'createdAt',
      direction: sort?.desc === false ? ('asc' as const) : ('desc' as const),
      ...paging,
    }),
    { keepPrevious: true },
  );
  const filtered = filters.engine !== null || filters.status !== null || kind !== '' || search !== '';
  const page = query.data;
  const onlyOpen = filters.status === 'open' && filters.engine === null && kind === '' && search === '';

  useEffect(() => {
    const search = writeFindingsUrl(window.location.search, { status: filters.status, engine: filters.engine });
    window.history.replaceState(window.history.state, '', `${window.location.pathname}?${search}${window.location.hash}`);
  }, [filters.status, filters.engine]);
  // The filters belong to this page: another page's URL does not carry them.
  useEffect(
    () => () => {
      const search = clearFindingsUrl(window.location.search);
      window.history.replaceState(window.history.state, '', `${window.location.pathname}${search ? `?${search}` : ''}${window.location.hash}`);
    },
    [],
  );

  const changeFilters = (patch: Partial<FindingFilters>) => {
    setFilters((current) => ({ ...current, ...patch }));
    setPaging((current) => ({ ...current, offset: 0 }));
  };

  return (
    <Stack gap="lg">
      <PageHeader title="Findings" description="What the engines found out of step, newest first; open ones unless you choose another status. Click a row for its details and actions." />
      <FindingsFilters value={filters} onChange={changeFilters} engines={engines} />
      {query.isError && !page && (
        <Alert color="red" icon={<IconAlertCircle />} title="Could not load findings">
          {query.error.message}
        </Alert>
      )}
      {query.isLoading ? (
        <Center py="xl">
          <Loader size="sm" aria-label="Loading findings" />
        </Center>
      ) : page && page.items.length === 0 ? (
        <EmptyState
          icon={<IconChecklist size={28} aria-hidden />}
          withIndicatorBackground
          size="sm"
          title={onlyOpen ? 'No open findings' : filtered ? 'No findings match these filters' : 'No findings yet'}
          description={
            onlyOpen
              ? 'Nothing is waiting for you. Choose another status to see what was repaired, restored or dismissed.'
              : filtered
              ? 'Try a broader search, or clear the filters.'
              : 'Findings appear here after a check run finds something out of step. Start a run from the Runs page.'
          }
        />
      ) : (
        page && (
          <>
            <FindingsTable
              findings={page.items}
              sorting={sorting}
              onSortingChange={(next) => {
                setSorting(next);
                setPaging((current) => ({ ...current, offset: 0 }));
              }}
              onOpen={setOpen}
            />
            <TablePager total={page.total} offset={paging.offset} limit={paging.limit} onChange={setPaging} noun="findings" />
          </>
        )
      )}
      <FindingDrawer finding={open} onClose={() => setOpen(null)} />
    </Stack>
  );
}
