import type { RunState } from '@core/api';
import { Badge } from '@mantine/core';
import { STATE_STYLE } from '../lib/run-states';

export function RunStateBadge({ state, testId }: { state: RunState; testId?: string }) {
  const style = STATE_STYLE[state];
  const Icon = style.icon;
  return (
    <Badge
      color={style.color}
      variant="light"
      leftSection={<Icon size={12} stroke={2} aria-hidden />}
      data-testid={testId}
      data-state={state}
    >
      {style.label}
    </Badge>
  );
}
