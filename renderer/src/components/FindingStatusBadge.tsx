import { Badge } from '@mantine/core';
import { STATUS_STYLE, type FindingStatus } from '../lib/findings';

export function FindingStatusBadge({ status }: { status: FindingStatus }) {
  const style = STATUS_STYLE[status];
  return (
    <Badge color={style.color} variant="light" data-status={status}>
      {style.label}
    </Badge>
  );
}
