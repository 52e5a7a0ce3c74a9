import { ActionIcon, CopyButton, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';

/** A person as the admin knows them: email and name; the id (what SQL and the CLI take) on hover and copyable. */
export function MailUserCell({ userId, email, name }: { userId: string; email: string | null; name: string | null | undefined }) {
  return (
    <Group gap={4} wrap="nowrap" miw={0}>
      <Stack gap={0} miw={0}>
        <Tooltip label={`User id ${userId}`} withArrow openDelay={300}>
          <Text size="sm" fw={500} truncate="end" data-testid={`mail-user-${userId}`}>
            {email ?? userId}
          </Text>
        </Tooltip>
        {name && (
          <Text size="xs" c="dimmed" truncate="end">
            {name}
          </Text>
        )}
      </Stack>
      <CopyButton value={userId} timeout={1500}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : `Copy user id ${userId}`} withArrow>
            <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} size="sm" onClick={copy} aria-label={`Copy user id of ${email ?? userId}`}>
              {copied ? <IconCheck size={14} aria-hidden /> : <IconCopy size={14} aria-hidden />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}
