import { Code, Container, List, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';

/**
 * Browser mode without a valid token: nothing else on the page can work, so
 * say what to do instead of showing an empty console full of errors.
 */
export function AccessRequired({ reason }: { reason: 'missing-token' | 'rejected-token' | undefined }) {
  return (
    <Container size={560} py={80}>
      <Paper withBorder p="xl" radius="lg" shadow="sm" role="alert" data-testid="access-required">
        <Stack gap="md">
          <ThemeIcon size={48} radius="xl" variant="light" color="red">
            <IconLock size={26} aria-hidden />
          </ThemeIcon>
          <Title order={1} size="h2">
            {reason === 'rejected-token' ? 'This access link is no longer valid' : 'Open Syncwarden from its access link'}
          </Title>
          <Text>
            {reason === 'rejected-token'
              ? 'The server refused this page’s access token. It changes every time the server starts, so an old link or tab stops working.'
              : 'This page was opened without its access token, so the server will not talk to it.'}
          </Text>
          <List type="ordered" spacing="xs">
            <List.Item>
              Find the terminal where <Code>syncwarden serve</Code> is running (start it if it is not).
            </List.Item>
            <List.Item>
              Open the URL it printed, the one ending in <Code>?token=…</Code>.
            </List.Item>
          </List>
          <Text size="sm" c="dimmed">
            The token keeps other local programs and web pages out of your console. It is kept only in this tab.
          </Text>
        </Stack>
      </Paper>
    </Container>
  );
}
