import { Text, Tooltip, type TextProps } from '@mantine/core';
import { useNow } from '../hooks/useNow';
import { formatDateTime, formatRelative } from '../lib/format';

/** "5 minutes ago", with the exact local date and time on hover. */
export function RelativeTime({ iso, ...textProps }: { iso: string | null } & TextProps) {
  const now = useNow();
  if (!iso) {
    return (
      <Text span c="dimmed" {...textProps}>
        —
      </Text>
    );
  }
  return (
    <Tooltip label={formatDateTime(iso)} openDelay={300}>
      <Text span style={{ whiteSpace: 'nowrap' }} {...textProps}>
        <time dateTime={iso}>{formatRelative(iso, now)}</time>
      </Text>
    </Tooltip>
  );
}
