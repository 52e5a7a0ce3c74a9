import type { Run } from '@core/api';
import { Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { formatCount, sumValues } from '../lib/format';
import { summarizeResult } from '../lib/result-summary';
import { useEngineInfo } from '../hooks/useEngineInfo';
import { usePersonName } from '../hooks/usePerson';
import { scopeUserKey } from '../lib/people';
import { RelativeTime } from './RelativeTime';
import { RunStateBadge } from './RunStateBadge';
import classes from './RecentRuns.module.css';
import { EngineName } from './EngineName';

/** The last few runs as a compact list; each entry opens the run's details. */
export function RecentRuns({ runs, onOpen }: { runs: Run[]; onOpen: (run: Run) => void }) {
  if (runs.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No runs yet. Start one from the Runs page.
      </Text>
    );
  }
  return (
    <Stack gap={0}>
      {runs.map((run) => (
        <UnstyledButton key={run.id} className={classes.item} onClick={() => onOpen(run)} aria-label={`Run #${run.id} ${run.engine}, ${run.state}`}>
          <Group justify="space-between" wrap="nowrap" gap="sm">
            <Stack gap={0} miw={0}>
              <Text size="sm" fw={600} truncate>
                #{run.id} · <EngineName id={run.engine} />
                <RunPerson scope={run.scope} />
              </Text>
              {/* Two lines, not one cut off: at 1024 px the result's words would be lost to the ellipsis. */}
              <Text size="xs" c="dimmed" lineClamp={2}>
                <RelativeTime iso={run.startedAt ?? run.createdAt} size="xs" /> · {formatCount(sumValues(run.apiCalls))} API calls
                <ResultSummary run={run} />
              </Text>
            </Stack>
            <RunStateBadge state={run.state} />
          </Group>
        </UnstyledButton>
      ))}
    </Stack>
  );
}

/** A one-user run names its user by email (the id is on the Runs page's hover); other runs name nobody. */
function RunPerson({ scope }: { scope: string }) {
  const name = usePersonName(scopeUserKey(scope));
  return name ? <span data-testid="recent-run-person"> · {name}</span> : null;
}

/** The run's result in its engine's words (app.info `ui.resultSummary`), two facts at most. */
function ResultSummary({ run }: { run: Run }) {
  const text = summarizeResult(run.result, useEngineInfo(run.engine)?.ui.resultSummary, 2);
  return text ? <span data-testid="recent-run-summary"> · {text}</span> : null;
}
