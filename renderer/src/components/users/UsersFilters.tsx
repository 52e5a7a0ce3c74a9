import type { IdentityStatus } from '@core/api';
import { CloseButton, Group, SegmentedControl, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { STATUS_ORDER, STATUS_STYLE } from './SyncStatusBadge';

const ALL = 'all';

interface UsersFiltersProps {
  search: string;
  onSearch: (value: string) => void;
  status: IdentityStatus | undefined;
  onStatus: (value: IdentityStatus | undefined) => void;
}

/** Search by email or name (debounced by the page) and one status at a time. */
export function UsersFilters({ search, onSearch, status, onStatus }: UsersFiltersProps) {
  return (
    <Group gap="sm" wrap="wrap" align="flex-end">
      <TextInput
        label="Search"
        placeholder="Email or name"
        value={search}
        onChange={(event) => onSearch(event.currentTarget.value)}
        leftSection={<IconSearch size={14} aria-hidden />}
        rightSection={search ? <CloseButton size="sm" aria-label="Clear search" onClick={() => onSearch('')} /> : null}
        w={280}
        data-testid="users-search"
      />
      <SegmentedControl
        aria-label="Status filter"
        value={status ?? ALL}
        onChange={(value) => onStatus(value === ALL ? undefined : (value as IdentityStatus))}
        data={[{ value: ALL, label: 'All' }, ...STATUS_ORDER.map((s) => ({ value: s, label: STATUS_STYLE[s].label }))]}
        data-testid="users-status-filter"
      />
    </Group>
  );
}
