import type { RunEvent } from '@core/api';
import { Text, Timeline } from '@mantine/core';
import { IconAlertTriangle, IconFlag, IconMessage, IconStairs, type Icon } from '@tabler/icons-react';
import { formatCount, formatTime } from '../lib/format';
import { JsonBlock } from './JsonBlock';

const KIND: Record<RunEvent['kind'], { icon: Icon; color: string }> = {
  state: { icon: IconFlag, color: 'blue' },
  phase: { icon: IconStairs, color: 'indigo' },
  message: { icon: IconMessage, color: 'gray' },
  warning: { icon: IconAlertTriangle, color: 'orange' },
};
/** A run's log can be long; the newest part is what a person scrolls for. */
const SHOWN = 300;

export function RunEventLog({ events }: { events: RunEvent[] }) {
  if (events.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        This run has not logged anything yet.
      </Text>
    );
  }
  const shown = events.slice(-SHOWN);
  return (
    <>
      {events.length > SHOWN && (
        <Text size="xs" c="dimmed" mb="sm">
          Showing the last {SHOWN} of {formatCount(events.length)} events.
        </Text>
      )}
      <Timeline bulletSize={22} lineWidth={2} active={shown.length - 1}>
        {shown.map((event) => {
          const kind = KIND[event.kind];
          const Icon = kind.icon;
          return (
            <Timeline.Item key={event.id} color={kind.color} bullet={<Icon size={12} aria-hidden />}>
              <Text size="sm" fw={500}>
                {event.message}
              </Text>
              <Text size="xs" c="dimmed">
                <time dateTime={event.at}>{formatTime(event.at)}</time> · {event.kind}
              </Text>
              {event.data && Object.keys(event.data).length > 0 && <JsonBlock value={event.data} maxHeight={160} />}
            </Timeline.Item>
          );
        })}
      </Timeline>
    </>
  );
}
