import { Badge, Tooltip } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';
import type { StorageAccountStatus } from './useStorage';

/** Declared here: the renderer may not import runtime values from core. */
export const ACCOUNT_STATUS_STYLE: Record<StorageAccountStatus, { label: string; color: string }> = {
  ok: { label: 'OK', color: 'teal' },
  orphans: { label: 'Orphans', color: 'orange' },
  'needs-reconnect': { label: 'Needs reconnect', color: 'red' },
  unknown: { label: 'Unknown', color: 'yellow' },
  'never-checked': { label: 'Never checked', color: 'gray' },
};
/** Most urgent first: the filter lists statuses in this order, the order in which the host sorts them (ACCOUNT_STATUS_URGENCY in core/api/storage.ts). */
export const ACCOUNT_STATUS_ORDER = ['needs-reconnect', 'orphans', 'unknown', 'never-checked', 'ok'] as const satisfies readonly StorageAccountStatus[];

/** One account's state; the reason (e.g. "refresh token revoked") is on hover and for screen readers. */
export function AccountStatusBadge({ status, message, testId }: { status: StorageAccountStatus; message?: string | null; testId?: string }) {
  const style = ACCOUNT_STATUS_STYLE[status];
  const badge = (
    <Badge
      color={style.color}
      variant={status === 'needs-reconnect' ? 'filled' : 'light'}
      leftSection={status === 'needs-reconnect' ? <IconPlugConnectedX size={12} aria-hidden /> : undefined}
      data-testid={testId}
      data-status={status}
      aria-label={message ? `${style.label}: ${message}` : style.label}
    >
      {style.label}
    </Badge>
  );
  return message ? (
    <Tooltip label={message} openDelay={300} multiline maw={320}>
      {badge}
    </Tooltip>
  ) : (
    badge
  );
}
