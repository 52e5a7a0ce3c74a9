import { CloseButton, Group, SegmentedControl, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { ACCOUNT_STATUS_ORDER, ACCOUNT_STATUS_STYLE } from './AccountStatusBadge';
import type { StorageAccountStatus } from './useStorage';

const ALL = 'all';

interface StorageFiltersProps {
  search: string;
  onSearch: (value: string) => void;
  status: StorageAccountStatus | undefined;
  onStatus: (value: StorageAccountStatus | undefined) => void;
}

/** Search by email, name or user id (debounced by the page) and one account status at a time. */
export function StorageFilters({ search, onSearch, status, onStatus }: StorageFiltersProps) {
  return (
    <Group gap="sm" wrap="wrap" align="flex-end">
      <TextInput
        label="Search"
        placeholder="Email, name or user id"
        value={search}
        onChange={(event) => onSearch(event.currentTarget.value)}
        leftSection={<IconSearch size={14} aria-hidden />}
        rightSection={search ? <CloseButton size="sm" aria-label="Clear search" onClick={() => onSearch('')} /> : null}
        w={280}
        data-testid="storage-search"
      />
      <SegmentedControl
        aria-label="Account status filter"
        value={status ?? ALL}
        onChange={(value) => onStatus(value === ALL ? undefined : (value as StorageAccountStatus))}
        data={[{ value: ALL, label: 'All' }, ...ACCOUNT_STATUS_ORDER.map((s) => ({ value: s, label: ACCOUNT_STATUS_STYLE[s].label }))]}
        data-testid="storage-status-filter"
      />
    </Group>
  );
}
