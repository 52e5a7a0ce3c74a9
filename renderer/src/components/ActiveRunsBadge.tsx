import { Button, RingProgress } from '@mantine/core';
import { Link } from 'wouter';
import { useActiveRuns } from '../hooks/useActiveRuns';
import { useEngineInfo } from '../hooks/useEngineInfo';

/** Header badge, visible from every page while something runs; opens the Runs page. */
export function ActiveRunsBadge() {
  const { runs } = useActiveRuns();
  // The engine's title, as the rest of the console names it ("Google Sheet import", not "sheet-import").
  const firstInfo = useEngineInfo(runs[0]?.engine);
  if (runs.length === 0) return null;
  const percents = runs.map((run) => run.progress?.percent ?? 0);
  const percent = Math.round(percents.reduce((sum, p) => sum + p, 0) / percents.length);
  const first = runs[0];
  const text = runs.length === 1 && first ? `${firstInfo?.title ?? first.engine} · ${percent}%` : `${runs.length} runs · ${percent}%`;
  return (
    <Button
      component={Link}
      href="/runs"
      variant="light"
      size="compact-sm"
      radius="xl"
      leftSection={<RingProgress size={20} thickness={3} roundCaps sections={[{ value: percent, color: 'indigo' }]} aria-hidden />}
      aria-label={`${runs.length === 1 ? '1 run' : `${runs.length} runs`} in progress, ${percent} percent. Open Runs.`}
      data-testid="active-runs-badge"
    >
      {text}
    </Button>
  );
}
