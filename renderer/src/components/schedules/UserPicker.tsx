import { Autocomplete, Group, Stack, Text, type ComboboxItem } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMemo } from 'react';
import { useApiQuery } from '../../hooks/useApi';
import { usePerson } from '../../hooks/usePerson';

/** At most this many people per answer: enough to pick from, small enough to read. */
const SEARCH_LIMIT = 20;

interface UserPickerProps {
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  /** Defaults suit the schedule form; the Runs filter names the field otherwise and does not require it. */
  label?: string;
  required?: boolean;
  testId?: string;
  width?: number;
  /** Without the hint line under the label (a filter bar has no room); the person is then told on hover. */
  compact?: boolean;
  /** A person was picked from the list (or Enter pressed on one). */
  onPick?: (value: string) => void;
  onBlur?: () => void;
}

/**
 * The user of a one-user schedule, found by part of an email or name (server
 * side: `users.search`); picking one puts their email in the field. What is
 * typed is sent as is (an email or an id): the host resolves it to the user's
 * id when saving and refuses a value that names nobody, under this field.
 */
export function UserPicker({ value, onChange, error, label = 'User', required = true, testId = 'schedule-user', width, compact = false, onPick, onBlur }: UserPickerProps) {
  const [query] = useDebouncedValue(value.trim(), 200);
  const search = useApiQuery('users.search', { query, limit: SEARCH_LIMIT }, { keepPrevious: true, staleTime: 30_000 });
  // Who the typed value is, asked once typing pauses (not one lookup per keystroke).
  const { person: found, loading } = usePerson(query || null);
  const person = query === value.trim() ? found : null;
  const people = useMemo(() => search.data?.users ?? [], [search.data]);
  // The list shown belongs to an older query while the debounced one is asked.
  const searching = query !== value.trim() || search.isPlaceholderData || search.isFetching;
  const byValue = useMemo(() => new Map(people.map((p) => [p.email ?? p.id, p])), [people]);
  const data: ComboboxItem[] = [...byValue.keys()].map((key) => ({ value: key, label: key }));

  const unavailable = search.data?.unavailable;
  const description = unavailable
    ? `People cannot be listed: ${unavailable} Type the user id.`
    : person
      ? [person.email !== value.trim() && person.email, person.name, `user id ${person.id}`].filter(Boolean).join(' · ')
      : !value.trim() || loading || searching
        ? 'Type part of an email or a name, then pick the user.'
        : people.length > 0
          ? 'Pick the user from the list.'
          : `No user’s email, name or id contains “${value.trim()}”.`;

  return (
    <Autocomplete
      label={label}
      withAsterisk={required}
      placeholder="ada@example.com or Ada"
      description={error || compact ? undefined : description}
      title={compact ? description : undefined}
      value={value}
      onChange={onChange}
      onOptionSubmit={onPick}
      onBlur={onBlur}
      w={width}
      error={error}
      data={data}
      // The host already filtered by email, name and id: the list is shown as it came.
      filter={({ options }) => options}
      limit={SEARCH_LIMIT}
      maxDropdownHeight={280}
      spellCheck={false}
      autoComplete="off"
      renderOption={({ option }) => {
        const p = byValue.get(option.value);
        return (
          <Stack gap={0} miw={0}>
            <Text size="sm" truncate="end">
              {option.value}
            </Text>
            <Group gap={6} wrap="nowrap">
              {p?.name && (
                <Text size="xs" c="dimmed" truncate="end">
                  {p.name}
                </Text>
              )}
              <Text size="xs" c="dimmed" ff="monospace" truncate="end">
                {p?.id}
              </Text>
            </Group>
          </Stack>
        );
      }}
      data-testid={testId}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
