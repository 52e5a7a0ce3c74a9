import type { EngineInfo } from '@core/api';
import { Badge, Group, Stack, Text } from '@mantine/core';
import { NoEngines } from './NoEngines';

/** The engines this host offers, with their phases in order. */
export function EngineList({ engines }: { engines: EngineInfo[] }) {
  if (engines.length === 0) return <NoEngines />;
  return (
    <Stack gap="md">
      {engines.map((engine) => (
        <Stack key={engine.id} gap={4}>
          <Group gap="xs">
            <Text fw={600}>{engine.title}</Text>
            <Badge variant="default" size="sm" tt="none" ff="monospace">
              {engine.id}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed">
            {engine.description}
          </Text>
          <Group gap={6}>
            {engine.phases.map((phase, index) => (
              <Badge key={phase.id} variant="light" color="gray" size="sm" tt="none">
                {index + 1}. {phase.label}
              </Badge>
            ))}
          </Group>
        </Stack>
      ))}
    </Stack>
  );
}
