import type { IdentityStatus } from '@core/api';
import { Badge } from '@mantine/core';

/** Declared here: the renderer may not import runtime values from core. */
export const STATUS_STYLE: Record<IdentityStatus, { label: string; color: string }> = {
  'in-sync': { label: 'In sync', color: 'teal' },
  'local-only': { label: 'Local only', color: 'orange' },
  'remote-only': { label: 'Supabase only', color: 'grape' },
  inconsistent: { label: 'Inconsistent', color: 'red' },
};
export const STATUS_ORDER = ['in-sync', 'local-only', 'remote-only', 'inconsistent'] as const satisfies readonly IdentityStatus[];

export function SyncStatusBadge({ status, testId }: { status: IdentityStatus; testId?: string }) {
  const style = STATUS_STYLE[status];
  return (
    <Badge color={style.color} variant="light" data-testid={testId} data-status={status}>
      {style.label}
    </Badge>
  );
}
