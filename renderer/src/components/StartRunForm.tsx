import type { EngineInfo } from '@core/api';
import { Button, Group, NativeSelect, NumberInput, Paper, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlayerPlayFilled } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiKey, useApiMutation } from '../hooks/useApi';

const DEMO_DEFAULT_ITEMS = 2000;

/**
 * Engine picker and Start button. Params stay generic (`{}`); the demo engine
 * is the one exception, with its item count, so a newcomer can size a run.
 */
export function StartRunForm({ engines, onStarted }: { engines: EngineInfo[]; onStarted?: (runId: number) => void }) {
  const queryClient = useQueryClient();
  const [engineId, setEngineId] = useState(engines[0]?.id ?? '');
  const [items, setItems] = useState<number | string>(DEMO_DEFAULT_ITEMS);
  const engine = engines.find((e) => e.id === engineId) ?? engines[0];
  const start = useApiMutation('runs.start', {
    onSuccess: ({ runId, alreadyRunning }) => {
      notifications.show({
        color: alreadyRunning ? 'yellow' : 'teal',
        title: alreadyRunning ? 'Already running' : 'Run started',
        message: alreadyRunning
          ? `Run #${runId} is already running for this engine and scope; following it instead.`
          : `Run #${runId} of ${engine?.title ?? engineId} has started.`,
      });
      void queryClient.invalidateQueries({ queryKey: apiKey('runs.list') });
      onStarted?.(runId);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!engine) return;
    const params = engine.id === 'demo' && typeof items === 'number' ? { items } : {};
    start.mutate({ engine: engine.id, params });
  };

  return (
    <Paper withBorder p="md" radius="md" component="form" onSubmit={submit} aria-label="Start a run">
      <Stack gap="xs">
        <Group align="flex-end" gap="md" wrap="wrap">
          <NativeSelect
            label="Engine"
            data={engines.map((e) => ({ value: e.id, label: e.title }))}
            value={engine?.id ?? ''}
            onChange={(event) => setEngineId(event.currentTarget.value)}
            data-testid="engine-select"
            w={260}
          />
          {engine?.id === 'demo' && (
            <NumberInput
              label="Items"
              value={items}
              onChange={setItems}
              min={0}
              max={50_000_000}
              step={1000}
              thousandSeparator=","
              w={160}
              data-testid="items-input"
            />
          )}
          <Button
            type="submit"
            leftSection={<IconPlayerPlayFilled size={14} aria-hidden />}
            loading={start.isPending}
            disabled={!engine}
            data-testid="start-run"
          >
            Start run
          </Button>
        </Group>
        {engine && (
          <Text size="sm" c="dimmed">
            {engine.description}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
