import { Code, ScrollArea, Text } from '@mantine/core';
import { prettyJson } from '../lib/format';

/** Read-only JSON, scrollable so a big before-image cannot push the page away. */
export function JsonBlock({ value, maxHeight = 280, label }: { value: unknown; maxHeight?: number; label?: string }) {
  if (value === null || value === undefined) {
    return (
      <Text size="sm" c="dimmed">
        {label ? `No ${label}.` : 'Nothing recorded.'}
      </Text>
    );
  }
  return (
    <ScrollArea.Autosize mah={maxHeight} type="auto">
      <Code block aria-label={label}>
        {prettyJson(value)}
      </Code>
    </ScrollArea.Autosize>
  );
}
