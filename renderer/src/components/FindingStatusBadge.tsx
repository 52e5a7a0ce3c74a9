import { Badge, Group } from '@mantine/core';
import { STATUS_STYLE, type FindingStatus } from '../lib/findings';

export function FindingStatusBadge({ status }: { status: FindingStatus }) {
  const style = STATUS_STYLE[status];
  return (
    <Badge color={style.color} variant="light" data-status={status}>
      {style.label}
    </Badge>
  );
}

/** A finding's kind (in its engine's words and colour) beside its status: the pair every finding list shows. */
export function FindingBadges({ kind, status }: { kind: { label: string; color: string }; status: FindingStatus }) {
  return (
    <Group gap={4} wrap="nowrap" style={{ flexShrink: 0 }}>
      <Badge size="sm" variant="light" color={kind.color}>
        {kind.label}
      </Badge>
      <FindingStatusBadge status={status} />
    </Group>
  );
}
