import { Button, Group, Select, TextInput } from '@mantine/core';
import { IconFilterOff, IconSearch } from '@tabler/icons-react';
import { FINDING_STATUSES, STATUS_STYLE, type FindingStatus } from '../lib/findings';

export interface FindingFilters {
  engine: string | null;
  status: FindingStatus | null;
  kind: string;
  search: string;
}

export const NO_FILTERS: FindingFilters = { engine: null, status: null, kind: '', search: '' };

interface FindingsFiltersProps {
  value: FindingFilters;
  onChange: (patch: Partial<FindingFilters>) => void;
  engines: { id: string; title: string }[];
}

export function FindingsFilters({ value, onChange, engines }: FindingsFiltersProps) {
  const active = value.engine !== null || value.status !== null || value.kind !== '' || value.search !== '';
  return (
    <Group gap="sm" align="flex-end" wrap="wrap" role="search" aria-label="Filter findings">
      <TextInput
        label="Search"
        placeholder="Subject, user, reason…"
        leftSection={<IconSearch size={16} aria-hidden />}
        value={value.search}
        onChange={(event) => onChange({ search: event.currentTarget.value })}
        maxLength={200}
        w={260}
      />
      <Select
        label="Engine"
        placeholder="All engines"
        data={engines.map((e) => ({ value: e.id, label: e.title }))}
        value={value.engine}
        onChange={(engine) => onChange({ engine })}
        clearable
        w={200}
      />
      <Select<FindingStatus>
        label="Status"
        placeholder="Any status"
        data={FINDING_STATUSES.map((status) => ({ value: status, label: STATUS_STYLE[status].label }))}
        value={value.status}
        onChange={(status) => onChange({ status })}
        clearable
        w={170}
        data-testid="findings-status"
      />
      <TextInput
        label="Kind"
        placeholder="e.g. orphan-file"
        value={value.kind}
        onChange={(event) => onChange({ kind: event.currentTarget.value })}
        maxLength={64}
        w={170}
      />
      <Button variant="subtle" leftSection={<IconFilterOff size={16} aria-hidden />} onClick={() => onChange(NO_FILTERS)} disabled={!active}>
        Clear filters
      </Button>
    </Group>
  );
}
