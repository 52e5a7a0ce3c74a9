import { ActionIcon, CopyButton, Group, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';

/** An id in monospace with a copy button: what an admin pastes into SQL, a support ticket or Supabase Studio. */
export function CopyId({ value, label, testId }: { value: string | null; label: string; testId?: string }) {
  if (value === null) {
    return (
      <Text size="sm" c="dimmed" fs="italic">
        none
      </Text>
    );
  }
  return (
    <Group gap={4} wrap="nowrap" miw={0}>
      <Text size="sm" ff="monospace" truncate title={value} data-testid={testId}>
        {value}
      </Text>
      <CopyButton value={value} timeout={1500}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : `Copy ${label}`} withArrow>
            <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} size="sm" onClick={copy} aria-label={`Copy ${label}`} data-testid={testId && `${testId}-copy`}>
              {copied ? <IconCheck size={14} aria-hidden /> : <IconCopy size={14} aria-hidden />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}
