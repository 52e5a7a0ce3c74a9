import { Badge, Button, Group, Menu, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { IconChevronDown, IconPlayerPause, IconPlayerPlay } from '@tabler/icons-react';
import { apiKey, useApiMutation } from '../../hooks/useApi';
import { formatDateTime } from '../../lib/format';

interface PauseControlProps {
  pausedUntil: string | null;
  pausedIndefinitely: boolean;
}

/** Pause every schedule for an hour or until resumed; the state is always in words beside it. */
export function PauseControl({ pausedUntil, pausedIndefinitely }: PauseControlProps) {
  const queryClient = useQueryClient();
  const refresh = { onSuccess: () => void queryClient.invalidateQueries({ queryKey: apiKey('schedules.list') }) };
  const pause = useApiMutation('schedules.pause', refresh);
  const resume = useApiMutation('schedules.resume', refresh);
  const paused = pausedIndefinitely || pausedUntil !== null;

  return (
    <Group gap="sm" data-testid="scheduler-pause" data-paused={paused}>
      {paused ? (
        <Badge color="yellow" variant="light" size="lg" leftSection={<IconPlayerPause size={14} aria-hidden />}>
          {pausedIndefinitely || !pausedUntil ? 'Paused until resumed' : `Paused until ${formatDateTime(pausedUntil)}`}
        </Badge>
      ) : (
        <Text size="sm" c="dimmed">
          Schedules are running
        </Text>
      )}
      {paused ? (
        <Button variant="light" leftSection={<IconPlayerPlay size={16} aria-hidden />} loading={resume.isPending} onClick={() => resume.mutate({})} data-testid="scheduler-resume">
          Resume schedules
        </Button>
      ) : (
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <Button variant="default" leftSection={<IconPlayerPause size={16} aria-hidden />} rightSection={<IconChevronDown size={14} aria-hidden />} loading={pause.isPending} data-testid="scheduler-pause-menu">
              Pause schedules
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item onClick={() => pause.mutate({ minutes: 60 })}>For 1 hour</Menu.Item>
            <Menu.Item onClick={() => pause.mutate({ minutes: null })}>Until resumed</Menu.Item>
          </Menu.Dropdown>
        </Menu>
      )}
    </Group>
  );
}
