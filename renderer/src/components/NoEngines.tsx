import { Code, EmptyState } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';

/** What to do when this host offers no engine at all. */
export function NoEngines() {
  return (
    <EmptyState
      icon={<IconPlugConnectedX size={28} aria-hidden />}
      withIndicatorBackground
      size="sm"
      title="No sync engines are connected yet"
      description={
        <>
          Engines appear here as soon as this host offers them. To see the console at work right away, run{' '}
          <Code>npm run demo</Code>, or start browser mode with <Code>syncwarden serve --with-demo-engine</Code>.
        </>
      }
    />
  );
}
