import type { Run } from '@core/api';
import { runScopeText } from '@core/api/run-scope';
import { CloseButton, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { formatCounters } from '../lib/format';
import { lowerFirst } from '../lib/result-summary';
import { STATE_STYLE, isActive } from '../lib/run-states';
import { EngineName } from './EngineName';
import { usePersonName } from '../hooks/usePerson';
import { parseSourceScope, useSourceName } from '../hooks/useSourceName';
import { scopeUserKey } from '../lib/people';
import { RunCancelButton } from './RunCancelButton';
import { RunStateBadge } from './RunStateBadge';

interface RunProgressBarProps {
  run: Run;
  /** Shown for runs that already finished, so the person can clear them away. */
  onDismiss?: () => void;
  /** Fewer details, for cards on the overview. */
  compact?: boolean;
  /** Leave out the "#id · engine" line where the surrounding view already says it. */
  hideIdentity?: boolean;
}

/** One run's live progress: phase, percent, counters, and a Cancel button while it runs. */
export function RunProgressBar({ run, onDismiss, compact = false, hideIdentity = false }: RunProgressBarProps) {
  const snapshot = run.progress;
  const active = isActive(run.state);
  // A succeeded run is complete even if its last throttled snapshot said 99 %.
  const percent = Math.round(run.state === 'succeeded' ? 100 : (snapshot?.percent ?? 0));
  const phase = phaseText(run);

  return (
    <Paper withBorder p={compact ? 'sm' : 'md'} radius="md">
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" gap="sm">
          <Group gap="xs" wrap="nowrap" miw={0}>
            {!hideIdentity && (!compact || !active) && <RunStateBadge state={run.state} />}
            {hideIdentity ? (
              <Text size="sm" fw={500} truncate>
                {phase}
              </Text>
            ) : (
              <Text fw={600} size="sm" truncate>
                #{run.id} · <EngineName id={run.engine} />
                {run.scope !== 'all' && (
                  <Text span c="dimmed" size="sm">
                    {' '}
                    (<ScopeInline scope={run.scope} />)
                  </Text>
                )}
              </Text>
            )}
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Text size="sm" fw={600} ff="monospace" aria-hidden>
              {percent}%
            </Text>
            {active && <RunCancelButton run={run} />}
            {!active && onDismiss && <CloseButton size="sm" onClick={onDismiss} aria-label={`Dismiss run #${run.id}`} />}
          </Group>
        </Group>
        {!hideIdentity && (
          <Text size="xs" c="dimmed" truncate>
            {phase}
          </Text>
        )}
        <Progress.Root size={compact ? 'md' : 'lg'} transitionDuration={200}>
          <Progress.Section
            value={percent}
            color={STATE_STYLE[run.state].color}
            animated={run.state === 'running'}
            aria-label={`Run #${run.id} ${run.engine}: ${snapshot?.phaseLabel ?? STATE_STYLE[run.state].label}, ${percent}%`}
            data-testid={`run-progress-${run.id}`}
            data-state={run.state}
          />
        </Progress.Root>
        {snapshot && (!compact || snapshot.message) && (
          <Group justify="space-between" gap="xs" wrap="nowrap">
            <Text size="xs" c="dimmed" truncate>
              {snapshot.message ?? ''}
            </Text>
            {!compact && (
              <Text size="xs" c="dimmed" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                {formatCounters(snapshot.counters)}
              </Text>
            )}
          </Group>
        )}
        {run.error && (
          // A cancel is the person's own choice, not a failure: no alarm colour for it.
          <Text size="xs" c={run.state === 'cancelled' ? 'dimmed' : 'red'}>
            {run.error.message}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

/** While a run is active: its phase and step. Once finished: how it ended, and in which phase if it stopped early. */
function phaseText(run: Run): string {
  const snapshot = run.progress;
  const step = snapshot ? ` · step ${snapshot.phaseIndex + 1} of ${snapshot.phaseCount}` : '';
  if (isActive(run.state)) return snapshot ? `${snapshot.phaseLabel}${step}` : 'Waiting to start';
  if (run.state === 'succeeded') return 'Complete';
  return snapshot ? `${STATE_STYLE[run.state].label} while ${lowerFirst(snapshot.phaseLabel)}${step}` : STATE_STYLE[run.state].label;
}

/** The run's scope in a line of text: the person's email, the Sheets source's name, else the scope in words. */
function ScopeInline({ scope }: { scope: string }) {
  const person = usePersonName(scopeUserKey(scope));
  const source = parseSourceScope(scope);
  const sourceName = useSourceName(source?.sourceId ?? null);
  if (person) return <span title={scope}>{person}</span>;
  if (source) return <span title={scope}>{source.check ? `${sourceName} · preview` : sourceName}</span>;
  return <>{runScopeText(scope)}</>;
}
