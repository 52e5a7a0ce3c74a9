import { Badge, Button, CloseButton, Group, MultiSelect, Select, TextInput } from '@mantine/core';
import type { RunState, RunTrigger } from '@core/api';
import { IconFilterOff } from '@tabler/icons-react';
import { RUN_STATES, RUN_TRIGGERS, STATE_STYLE, TRIGGER_LABEL } from '../../lib/run-states';
import { NO_RUN_FILTERS, hasFilters, type RunFilters } from './run-filters';

interface RunsFiltersProps {
  value: RunFilters;
  onChange: (next: RunFilters) => void;
  engines: { id: string; title: string }[];
  /** How the schedule filter is named (its engine and trigger), when one is set. */
  scheduleLabel?: string;
}

/** Run history filters: engine, state, trigger, scope (a user's history), date range, and the schedule a history is of. */
export function RunsFilters({ value, onChange, engines, scheduleLabel }: RunsFiltersProps) {
  const patch = (change: Partial<RunFilters>) => onChange({ ...value, ...change });
  return (
    <Group gap="sm" align="flex-end" wrap="wrap" role="search" aria-label="Filter runs">
      <Select
        label="Engine"
        placeholder="All engines"
        data={engines.map((e) => ({ value: e.id, label: e.title }))}
        value={value.engine}
        onChange={(engine) => patch({ engine })}
        clearable
        data-testid="runs-filter-engine"
        w={170}
      />
      <MultiSelect
        label="State"
        placeholder={value.states.length ? undefined : 'Any state'}
        data={RUN_STATES.map((state) => ({ value: state, label: STATE_STYLE[state].label }))}
        value={value.states}
        onChange={(states) => patch({ states: states as RunState[] })}
        clearable
        data-testid="runs-filter-state"
        w={260}
      />
      <MultiSelect
        label="Trigger"
        placeholder={value.triggers.length ? undefined : 'Any trigger'}
        data={RUN_TRIGGERS.map((trigger) => ({ value: trigger, label: TRIGGER_LABEL[trigger] }))}
        value={value.triggers}
        onChange={(triggers) => patch({ triggers: triggers as RunTrigger[] })}
        clearable
        data-testid="runs-filter-trigger"
        w={220}
      />
      <TextInput
        label="User or scope"
        // Exact scopes; a comma separates several (a user's runs are keyed by email or id, by engine).
        placeholder="user:ada@example.com"
        title="Exact scope, e.g. all or user:ada@example.com; separate several with a comma"
        value={value.scope}
        onChange={(event) => patch({ scope: event.currentTarget.value })}
        maxLength={400}
        w={240}
      />
      <TextInput type="date" label="From" value={value.from} onChange={(event) => patch({ from: event.currentTarget.value })} w={148} max={value.to || undefined} />
      <TextInput type="date" label="To" value={value.to} onChange={(event) => patch({ to: event.currentTarget.value })} w={148} min={value.from || undefined} />
      {value.scheduleId !== null && (
        <Badge
          size="lg"
          variant="light"
          tt="none"
          data-testid="schedule-filter"
          rightSection={<CloseButton size="xs" aria-label="Show runs of every schedule" onClick={() => patch({ scheduleId: null })} />}
        >
          Schedule #{value.scheduleId}
          {scheduleLabel ? `: ${scheduleLabel}` : ''}
        </Badge>
      )}
      <Button variant="subtle" leftSection={<IconFilterOff size={16} aria-hidden />} onClick={() => onChange(NO_RUN_FILTERS)} disabled={!hasFilters(value)}>
        Clear filters
      </Button>
    </Group>
  );
}
