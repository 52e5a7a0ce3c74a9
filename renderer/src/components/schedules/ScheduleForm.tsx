import type { EngineInfo, Schedule } from '@core/api';
import { Group, Input, List, Loader, NativeSelect, SegmentedControl, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { FormFooter } from '../FormFooter';
import { useApiQuery } from '../../hooks/useApi';
import { formatDateTime } from '../../lib/format';
import { SCHEDULE_PROVIDERS } from '@core/api/schedules';
import type { ScheduleProvider, ScopeKind, TriggerKind } from './schedule-form';
import { UserPicker } from './UserPicker';
import { useScheduleForm } from './useScheduleForm';

interface ScheduleFormProps {
  schedule: Schedule | undefined;
  engines: readonly EngineInfo[];
  onClose: () => void;
}

/** The trigger's verdict ("Runs every 30 minutes." or the error) reads under the field, where the eye is after typing. */
const BELOW: ('label' | 'input' | 'description' | 'error')[] = ['label', 'input', 'error', 'description'];

const SCOPES: { value: ScopeKind; label: string }[] = [
  { value: 'all', label: 'All users' },
  { value: 'user', label: 'One user' },
  { value: 'provider', label: 'One provider' },
  { value: 'source', label: 'One source' },
];

/** The contract's providers, in its order; the label map must name each (typecheck). */
const PROVIDER_LABEL: Record<ScheduleProvider, string> = { google: 'Google Drive', dropbox: 'Dropbox' };
const PROVIDERS = SCHEDULE_PROVIDERS.map((value) => ({ value, label: PROVIDER_LABEL[value] }));

/** Add or edit a console schedule; the trigger is validated by the host as it is typed. */
export function ScheduleForm({ schedule, engines, onClose }: ScheduleFormProps) {
  const form = useScheduleForm(schedule, engines[0]?.id ?? '', onClose);
  const { values, errors, trigger } = form;
  const sources = useApiQuery('sheets.sources.list', {}, { enabled: values.scopeKind === 'source' });
  const description = trigger.description;
  const triggerHint = description?.valid ? `Runs ${description.text}.` : undefined;

  return (
    <form onSubmit={form.submit} noValidate aria-label={schedule ? 'Edit schedule' : 'Add a schedule'}>
      <Stack gap="md">
        <NativeSelect
          label="Engine"
          data-testid="schedule-engine"
          data-autofocus
          data={engines.map((engine) => ({ value: engine.id, label: engine.title }))}
          value={values.engine}
          error={errors.engine}
          onChange={(event) => form.set('engine', event.currentTarget.value)}
        />
        <Input.Wrapper label="Scope" description="Which users or source each run covers.">
          <SegmentedControl fullWidth mt={4} data={SCOPES} value={values.scopeKind} onChange={(value) => form.set('scopeKind', value as ScopeKind)} data-testid="schedule-scope" />
        </Input.Wrapper>
        {(values.scopeKind === 'user' || values.scopeKind === 'provider') && (
          <SimpleGrid cols={values.scopeKind === 'provider' ? 2 : 1}>
            <UserPicker value={values.userId} error={errors.userId} onChange={(value) => form.set('userId', value)} />
            {values.scopeKind === 'provider' && (
              <NativeSelect
                label="Provider"
                data={PROVIDERS}
                value={values.provider}
                onChange={(e) => form.set('provider', e.currentTarget.value as ScheduleProvider)}
              />
            )}
          </SimpleGrid>
        )}
        {values.scopeKind === 'source' && (
          <NativeSelect
            label="Sheet source"
            withAsterisk
            data={[{ value: '', label: sources.data?.length ? 'Choose a source' : 'No sheet sources yet' }, ...(sources.data ?? []).map((s) => ({ value: String(s.id), label: s.spec.name }))]}
            value={values.sourceId}
            error={errors.sourceId}
            onChange={(e) => form.set('sourceId', e.currentTarget.value)}
          />
        )}
        <Input.Wrapper label="Trigger">
          <SegmentedControl
            fullWidth
            mt={4}
            data={[
              { value: 'interval', label: 'Every N minutes' },
              { value: 'cron', label: 'Cron expression' },
            ]}
            value={values.triggerKind}
            onChange={(value) => form.set('triggerKind', value as TriggerKind)}
            data-testid="schedule-trigger-kind"
          />
        </Input.Wrapper>
        <SimpleGrid cols={2}>
          {values.triggerKind === 'interval' ? (
            <TextInput label="Every" inputWrapperOrder={BELOW} inputMode="numeric" rightSection={<Text size="xs" c="dimmed">min</Text>} rightSectionWidth={44} value={values.minutes} error={errors.minutes} description={errors.minutes ? undefined : triggerHint} onChange={(e) => form.set('minutes', e.currentTarget.value)} data-testid="schedule-minutes" />
          ) : (
            <TextInput label="Cron expression" inputWrapperOrder={BELOW} styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }} placeholder="0 6 * * *" spellCheck={false} value={values.expression} error={errors.expression} description={errors.expression ? 'minute hour day-of-month month day-of-week' : (triggerHint ?? 'minute hour day-of-month month day-of-week')} onChange={(e) => form.set('expression', e.currentTarget.value)} data-testid="schedule-cron" />
          )}
          <TextInput label="Time zone" inputWrapperOrder={BELOW} description="Cron times are read in this zone." value={values.timeZone} error={errors.timeZone} onChange={(e) => form.set('timeZone', e.currentTarget.value)} data-testid="schedule-timezone" />
        </SimpleGrid>
        <NextRuns next={description?.valid ? description.next.slice(0, 3) : []} pending={trigger.pending} />
        <Group gap="xl">
          <Switch label="Enabled" checked={values.enabled} onChange={(e) => form.set('enabled', e.currentTarget.checked)} />
          <Switch
            label="Repair automatically"
            description="Always inside the safety guard: larger deletions wait for a person."
            checked={values.autoRepair}
            onChange={(e) => form.set('autoRepair', e.currentTarget.checked)}
            data-testid="schedule-auto-repair"
          />
        </Group>
        <FormFooter error={errors.form} saving={form.saving} submitLabel={schedule ? 'Save changes' : 'Add schedule'} submitTestId="schedule-save" onCancel={onClose} />
      </Stack>
    </form>
  );
}

function NextRuns({ next, pending }: { next: readonly string[]; pending: boolean }) {
  return (
    <Stack gap={4} data-testid="schedule-next-runs" aria-live="polite">
      <Group gap={6}>
        <Text size="sm" fw={500}>
          Next runs, in your local time
        </Text>
        {pending && <Loader size={12} aria-label="Checking the trigger" />}
      </Group>
      {next.length === 0 ? (
        <Text size="sm" c="dimmed">
          Shown once the trigger is valid.
        </Text>
      ) : (
        <List size="sm" spacing={2}>
          {next.map((at) => (
            <List.Item key={at}>
              <time dateTime={at}>{formatDateTime(at)}</time>
            </List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}
