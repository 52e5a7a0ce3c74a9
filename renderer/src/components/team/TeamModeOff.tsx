import { Code, EmptyState, List, Stack, Text } from '@mantine/core';
import { IconServer2 } from '@tabler/icons-react';

const NOWRAP = { whiteSpace: 'nowrap' } as const;

/** The Workers page on a SQLite store: what team mode is, in plain words, and the two commands that turn it on. */
export function TeamModeOff({ store }: { store: 'sqlite' | 'postgres' }) {
  return (
    <EmptyState
      icon={<IconServer2 size={28} aria-hidden />}
      withIndicatorBackground
      size="sm"
      title="Team mode is off"
      data-testid="team-off"
      description={
        store === 'sqlite'
          ? 'This console keeps its store in a file on this machine and runs every check and import itself.'
          : 'The console store is in PostgreSQL, but this console reads no job queue.'
      }
    >
      <Stack gap="xs" maw={620} ta="left" mt="sm">
        <Text size="sm">
          In team mode the store lives in PostgreSQL, shared by every console, and runs become jobs in a queue there. Worker processes on any number of machines take the jobs, so a large product (thousands of
          users imported every few minutes) is kept in step without this window staying open.
        </Text>
        <Text size="sm" fw={600}>
          To turn it on:
        </Text>
        <List type="ordered" size="sm" spacing={6}>
          <List.Item>
            Create the shared store: <Code style={NOWRAP} data-testid="team-off-store-init">syncwarden store init postgres://…</Code>
          </List.Item>
          <List.Item>
            On each machine that should do the work: <Code style={NOWRAP} data-testid="team-off-worker">syncwarden worker</Code> (add <Code style={NOWRAP}>--concurrency N</Code> or <Code style={NOWRAP}>--engines …</Code> to size it)
          </List.Item>
        </List>
        <Text size="xs" c="dimmed">
          Then start this console on the same store (<Code style={NOWRAP}>--store postgres://…</Code> or <Code style={NOWRAP}>SYNCWARDEN_STORE</Code>): its workers, their queues and any failed jobs appear here.
        </Text>
      </Stack>
    </EmptyState>
  );
}
