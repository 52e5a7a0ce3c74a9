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

interface FilterEngine {
  id: string;
  title: string;
  /** The kinds of finding it records, in its own words (its descriptor's `ui.findingKinds`). */
  ui: { findingKinds: Record<string, string> };
}

interface FindingsFiltersProps {
  value: FindingFilters;
  onChange: (patch: Partial<FindingFilters>) => void;
  engines: FilterEngine[];
}

interface KindGroup {
  group: string;
  items: { value: string; label: string }[];
}

/**
 * The kinds an admin can filter by, in each engine's words, grouped by engine
 * (only the chosen engine's when one is chosen). The filter itself stays the
 * kind as recorded (the URL and the host filter on it); a kind no engine
 * declares (an old link) is kept as an option under its own name.
 */
export function kindOptions(engines: readonly FilterEngine[], engine: string | null, current: string): KindGroup[] {
  const seen = new Set<string>();
  const groups: KindGroup[] = [];
  for (const e of engines) {
    if (engine !== null && e.id !== engine) continue;
    const items = Object.entries(e.ui.findingKinds)
      .filter(([kind]) => !seen.has(kind))
      .map(([kind, label]) => ({ value: kind, label }));
    for (const item of items) seen.add(item.value);
    if (items.length > 0) groups.push({ group: e.title, items });
  }
  if (current !== '' && !seen.has(current)) groups.push({ group: 'Other', items: [{ value: current, label: current }] });
  return groups;
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
      <Select
        label="Kind"
        placeholder="Any kind"
        data={kindOptions(engines, value.engine, value.kind)}
        value={value.kind === '' ? null : value.kind}
        onChange={(kind) => onChange({ kind: kind ?? '' })}
        searchable
        clearable
        nothingFoundMessage="No such kind"
        w={200}
        data-testid="findings-kind"
      />
      <Button variant="subtle" leftSection={<IconFilterOff size={16} aria-hidden />} onClick={() => onChange(NO_FILTERS)} disabled={!active}>
        Clear filters
      </Button>
    </Group>
  );
}
