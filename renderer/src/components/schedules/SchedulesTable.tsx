import type { Schedule } from '@core/api';
import { ActionIcon, Badge, Button, Group, Stack, Switch, Table, Text, Tooltip } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconHistory, IconPencil, IconPlayerPlay, IconTrash } from '@tabler/icons-react';
import { Link } from 'wouter';
import { RelativeTime } from '../RelativeTime';
import { LastRunCell } from './LastRunCell';
import { ScheduleScopeLabel } from '../ScopeLabel';

interface SchedulesTableProps {
  schedules: readonly Schedule[];
  engineTitle: (id: string) => string;
  /** Per-user schedules from the product database are shown, never edited, here. */
  readOnly?: boolean;
  busyIds: ReadonlySet<number>;
  onRunNow: (schedule: Schedule) => void;
  onToggle?: (schedule: Schedule, enabled: boolean) => void;
  onEdit?: (schedule: Schedule) => void;
  onDelete?: (schedule: Schedule) => void;
  label: string;
  testId: string;
  /** Paused until resumed: enabled schedules have no next run, and the table says why. */
  pausedIndefinitely?: boolean;
}

/** Engine, scope, trigger in words, next and last run, the switch and the actions of each schedule. */
export function SchedulesTable({ schedules, engineTitle, readOnly = false, busyIds, onRunNow, onToggle, onEdit, onDelete, label, testId, pausedIndefinitely = false }: SchedulesTableProps) {
  // Below 1200 px (a 1024 px window) the table fits instead of scrolling sideways: next and last run share
  // one column and History becomes an icon. Only one variant is rendered, so test ids stay unique.
  const wide = useMediaQuery('(min-width: 75em)', true);
  return (
    <Table.ScrollContainer minWidth={wide ? 900 : 640}>
      {/* Narrower than 1200 px the cells pad less: seven columns at Mantine's 10 px each side left a long
          address beside a next run ("in 2 minutes") 13 px too wide at 1024 px, and the table scrolled sideways. */}
      <Table highlightOnHover verticalSpacing="sm" horizontalSpacing={wide ? 'xs' : 6} data-testid={testId} aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Engine</Table.Th>
            <Table.Th scope="col">Scope</Table.Th>
            <Table.Th scope="col">Trigger</Table.Th>
            {wide ? (
              <>
                <Table.Th scope="col">Next run</Table.Th>
                <Table.Th scope="col">Last run</Table.Th>
              </>
            ) : (
              <Table.Th scope="col">Next · last run</Table.Th>
            )}
            <Table.Th scope="col">Enabled</Table.Th>
            <Table.Th scope="col" ta="right">
              Actions
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {schedules.map((schedule) => {
            const name = `${engineTitle(schedule.engine)} ${schedule.triggerText}`;
            return (
              <Table.Tr key={schedule.id} data-testid={`schedule-row-${schedule.id}`}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {engineTitle(schedule.engine)}
                  </Text>
                  {/* Under the name, not beside it: beside it a failing schedule widened the column past 1024 px. */}
                  {(schedule.autoRepair || schedule.failures > 0) && (
                    <Group gap={4} mt={2}>
                      {schedule.autoRepair && (
                        <Badge size="xs" variant="light" color="grape">
                          auto-repair
                        </Badge>
                      )}
                      {schedule.failures > 0 && (
                        <Tooltip label={`${schedule.failures} failed firings or runs in a row`}>
                          <Badge size="xs" color="red" variant="light" styles={{ label: { whiteSpace: 'nowrap' } }} data-testid={`schedule-failing-${schedule.id}`}>
                            failing ×{schedule.failures}
                          </Badge>
                        </Tooltip>
                      )}
                    </Group>
                  )}
                </Table.Td>
                <Table.Td>
                  <ScheduleScopeLabel scope={schedule.scope} testId={`schedule-scope-${schedule.id}`} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm" data-testid={`schedule-trigger-${schedule.id}`}>
                    {schedule.triggerText}
                  </Text>
                  {schedule.trigger.kind === 'cron' && (
                    <Text size="xs" c="dimmed" ff="monospace">
                      {schedule.trigger.expression} · {schedule.timeZone}
                    </Text>
                  )}
                </Table.Td>
                {wide ? (
                  <>
                    <Table.Td>
                      <NextRun schedule={schedule} pausedIndefinitely={pausedIndefinitely} />
                    </Table.Td>
                    <Table.Td>
                      <LastRunCell schedule={schedule} />
                    </Table.Td>
                  </>
                ) : (
                  <Table.Td>
                    <Stack gap={4}>
                      <Group gap={6} wrap="nowrap">
                        <Text size="xs" c="dimmed" w={30}>
                          Next
                        </Text>
                        <NextRun schedule={schedule} pausedIndefinitely={pausedIndefinitely} />
                      </Group>
                      <Group gap={6} wrap="nowrap" align="flex-start">
                        <Text size="xs" c="dimmed" w={30} mt={2}>
                          Last
                        </Text>
                        <LastRunCell schedule={schedule} />
                      </Group>
                    </Stack>
                  </Table.Td>
                )}
                <Table.Td>
                  {readOnly ? (
                    // A disabled switch would not say clearly whether it is on; the product database owns this flag.
                    <Tooltip label="Set by the user in the product">
                      <Badge variant="light" color={schedule.enabled ? 'teal' : 'gray'} data-testid={`schedule-enabled-${schedule.id}`}>
                        {schedule.enabled ? 'On' : 'Off'}
                      </Badge>
                    </Tooltip>
                  ) : (
                    <Switch
                      checked={schedule.enabled}
                      disabled={!onToggle}
                      onChange={(event) => onToggle?.(schedule, event.currentTarget.checked)}
                      aria-label={`${schedule.enabled ? 'Disable' : 'Enable'} ${name}`}
                      data-testid={`schedule-enabled-${schedule.id}`}
                    />
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap={4} justify="flex-end" wrap="nowrap">
                    {wide ? (
                      <Button size="compact-sm" variant="light" leftSection={<IconPlayerPlay size={14} aria-hidden />} loading={busyIds.has(schedule.id)} onClick={() => onRunNow(schedule)} aria-label={`Run ${name} now`} data-testid={`schedule-run-${schedule.id}`}>
                        Run now
                      </Button>
                    ) : (
                      // Narrow: an icon like History beside it, so a row with a long email still fits (issue-18 walk).
                      <Tooltip label="Run now">
                        <ActionIcon variant="light" loading={busyIds.has(schedule.id)} onClick={() => onRunNow(schedule)} aria-label={`Run ${name} now`} data-testid={`schedule-run-${schedule.id}`}>
                          <IconPlayerPlay size={16} aria-hidden />
                        </ActionIcon>
                      </Tooltip>
                    )}
                    {wide ? (
                      <Button
                        component={Link}
                        href={`/runs?schedule=${schedule.id}`}
                        size="compact-sm"
                        variant="subtle"
                        leftSection={<IconHistory size={14} aria-hidden />}
                        aria-label={`History of ${name}`}
                        data-testid={`schedule-history-${schedule.id}`}
                      >
                        History
                      </Button>
                    ) : (
                      <Tooltip label="History">
                        <ActionIcon component={Link} href={`/runs?schedule=${schedule.id}`} variant="subtle" aria-label={`History of ${name}`} data-testid={`schedule-history-${schedule.id}`}>
                          <IconHistory size={16} aria-hidden />
                        </ActionIcon>
                      </Tooltip>
                    )}
                    {!readOnly && onEdit && (
                      <ActionIcon variant="subtle" onClick={() => onEdit(schedule)} aria-label={`Edit ${name}`} data-testid={`schedule-edit-${schedule.id}`}>
                        <IconPencil size={16} aria-hidden />
                      </ActionIcon>
                    )}
                    {!readOnly && onDelete && (
                      <ActionIcon variant="subtle" color="red" onClick={() => onDelete(schedule)} aria-label={`Delete ${name}`} data-testid={`schedule-delete-${schedule.id}`}>
                        <IconTrash size={16} aria-hidden />
                      </ActionIcon>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function NextRun({ schedule, pausedIndefinitely }: { schedule: Schedule; pausedIndefinitely: boolean }) {
  if (schedule.nextRunAt) return <RelativeTime iso={schedule.nextRunAt} size="sm" />;
  return (
    <Text size="sm" c="dimmed">
      {!schedule.enabled ? 'Off' : pausedIndefinitely ? 'Paused' : '—'}
    </Text>
  );
}
