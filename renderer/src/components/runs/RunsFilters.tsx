import { Badge, Button, CloseButton, Group, MultiSelect, Select, TextInput } from '@mantine/core';
import type { RunState, RunTrigger } from '@core/api';
import { IconFilterOff } from '@tabler/icons-react';
import { useState } from 'react';
import { UserPicker } from '../schedules/UserPicker';
import { RUN_STATES, RUN_TRIGGERS, STATE_STYLE, TRIGGER_LABEL } from '../../lib/run-states';
import { NO_RUN_FILTERS, hasFilters, type RunFilters } from './run-filters';

interface RunsFiltersProps {
  value: RunFilters;
  onChange: (next: RunFilters) => void;
  engines: { id: string; title: string }[];
  /** How the schedule filter is named (its engine and trigger), when one is set. */
  scheduleLabel?: string;
}

/** Run history filters: engine, state, trigger, a user (picked by email or name) or raw scopes, date range, and the schedule a history is of. */
export function RunsFilters({ value, onChange, engines, scheduleLabel }: RunsFiltersProps) {
  const patch = (change: Partial<RunFilters>) => onChange({ ...value, ...change });
  // What is typed in the user field; the filter (and the URL) changes when a person is picked, not per keystroke.
  const [userText, setUserText] = useState(value.user);
  const [seenUser, setSeenUser] = useState(value.user);
  if (value.user !== seenUser) {
    // A link, Clear filters or a typed scope changed the user: the field follows.
    setSeenUser(value.user);
    setUserText(value.user);
  }
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
      <UserPicker
        label="User"
        required={false}
        compact
        testId="runs-filter-user"
        width={240}
        value={userText}
        error={undefined}
        onChange={(text) => {
          setUserText(text);
          // Emptied: every user again. A partial name is not applied until a person is picked.
          if (!text.trim() && value.user) patch({ user: '' });
        }}
        onPick={(user) => patch({ user, scope: '' })}
        onBlur={() => {
          if (userText.trim() !== value.user) patch({ user: userText.trim(), ...(userText.trim() ? { scope: '' } : {}) });
        }}
      />
      <TextInput
        label="Scope"
        // Other scopes than a person's ("all" is All users, "source:3"); exact, a comma separates several. A picked user wins.
        placeholder="all"
        title="Exact scope, e.g. all, source:3 or repair:all; separate several with a comma"
        value={value.scope}
        onChange={(event) => patch({ scope: event.currentTarget.value, ...(event.currentTarget.value ? { user: '' } : {}) })}
        maxLength={400}
        data-testid="runs-filter-scope"
        w={150}
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
