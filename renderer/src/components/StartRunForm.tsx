import type { EngineInfo } from '@core/api';
import { Button, Group, NativeSelect, NumberInput, Paper, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlayerPlayFilled } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiKey, useApiMutation } from '../hooks/useApi';

/**
 * Engine picker and Start button. Params stay generic (`{}`) except the
 * whole-number params the engine asks the form for (`ui.startParams`: the
 * demo's item count, so a newcomer can size a run).
 */
export function StartRunForm({ engines, onStarted }: { engines: EngineInfo[]; onStarted?: (runId: number) => void }) {
  const queryClient = useQueryClient();
  const [engineId, setEngineId] = useState(engines[0]?.id ?? '');
  /** What the admin typed per param key; a param not typed yet shows its default. */
  const [typed, setTyped] = useState<Record<string, number | string>>({});
  const engine = engines.find((e) => e.id === engineId) ?? engines[0];
  const startParams = engine?.ui.startParams ?? [];
  const start = useApiMutation('runs.start', {
    onSuccess: ({ runId, alreadyRunning, notice }) => {
      // Team mode with no worker alive: the run waits in the queue, and the admin is told why (not a stuck run).
      notifications.show({
        color: alreadyRunning || notice ? 'yellow' : 'teal',
        title: alreadyRunning ? 'Already running' : notice ? `Run #${runId} queued` : 'Run started',
        message: alreadyRunning
          ? `Run #${runId} is already running for this engine and scope; following it instead.`
          : notice
            ? `Run #${runId} of ${engine?.title ?? engineId} is ${notice}.`
            : `Run #${runId} of ${engine?.title ?? engineId} has started.`,
        // Longer than the usual toast, not forever: the run card below keeps its state once a worker takes it.
        ...(notice ? { autoClose: 20_000 } : {}),
      });
      void queryClient.invalidateQueries({ queryKey: apiKey('runs.list') });
      onStarted?.(runId);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!engine) return;
    const params: Record<string, number> = {};
    for (const param of startParams) {
      const value = typed[param.key] ?? param.defaultValue;
      if (typeof value === 'number') params[param.key] = value;
    }
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
          {startParams.map((param) => (
            <NumberInput
              key={`${engine?.id}:${param.key}`}
              label={param.label}
              value={typed[param.key] ?? param.defaultValue}
              onChange={(value) => setTyped((current) => ({ ...current, [param.key]: value }))}
              min={param.min}
              max={param.max}
              step={param.step}
              thousandSeparator=","
              w={160}
              data-testid={`${param.key}-input`}
            />
          ))}
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
