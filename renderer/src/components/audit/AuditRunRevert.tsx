import type { AuditEntry } from '@core/api';
import { Group, Text } from '@mantine/core';
import { useApiQuery } from '../../hooks/useApi';
import { useEngineInfo } from '../../hooks/useEngineInfo';
import { canRevertRun, RevertRunButton } from '../RevertRunButton';

/**
 * "Revert this run" for the run an audit entry belongs to, when its engine reverts whole runs (its
 * `revertRunModes`): the run is read only then, and the button shows only if that run's mode qualifies.
 */
export function AuditRunRevert({ entry }: { entry: AuditEntry }) {
  const engine = useEngineInfo(entry.engine);
  const reverts = entry.runId !== null && !!engine?.ui.revertRunModes.length;
  const detail = useApiQuery('runs.get', { id: entry.runId ?? 1 }, { enabled: reverts });
  const run = detail.data?.run;
  if (!reverts || !run || !canRevertRun(run, engine)) return null;
  return (
    <Group gap="sm" data-testid={`audit-run-revert-${entry.id}`}>
      <RevertRunButton run={run} />
      <Text size="xs" c="dimmed">
        Undoes every change of run #{run.id}, not only this one.
      </Text>
    </Group>
  );
}
