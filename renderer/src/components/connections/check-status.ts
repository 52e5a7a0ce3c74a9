import type { ConnectionCheckResult } from '@core/api';

type CheckStatus = ConnectionCheckResult['status'];

const LABELS = {
  ok: 'OK',
  'bad-credentials': 'Bad credentials',
  unreachable: 'Unreachable',
  'missing-database': 'Database missing',
  'schema-mismatch': 'Schema mismatch',
  error: 'Failed',
} as const satisfies Record<CheckStatus, string>;

export function checkLabel(status: CheckStatus): string {
  return LABELS[status];
}
