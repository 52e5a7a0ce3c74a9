import type { Settings } from '@core/api';
import { Button, Center, Group, Input, NumberInput, Paper, SegmentedControl, Stack, Switch } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDeviceDesktop, IconMoon, IconSun } from '@tabler/icons-react';
import { SettingsSchema } from '@core/api/models';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { apiKey, useApiMutation } from '../hooks/useApi';
import { contractErrors } from '../lib/contract-errors';

type Theme = Settings['theme'];

function themeOption(value: Theme, label: string, icon: ReactNode) {
  return {
    value,
    label: (
      <Center style={{ gap: 8 }}>
        {icon}
        <span>{label}</span>
      </Center>
    ),
  };
}

const THEME_OPTIONS = [
  themeOption('system', 'System', <IconDeviceDesktop size={16} aria-hidden />),
  themeOption('light', 'Light', <IconSun size={16} aria-hidden />),
  themeOption('dark', 'Dark', <IconMoon size={16} aria-hidden />),
];

/** The retention bounds are the contract's (SettingsSchema), quoted in the input and its message. */
const RETENTION = SettingsSchema.shape.findingsRetentionDays;
const RETENTION_MIN = RETENTION.minValue ?? 1;
const RETENTION_MAX = RETENTION.maxValue ?? Number.MAX_SAFE_INTEGER;

/** The settings as the contract judges them; the retention's refusal in the form's own words. */
function validateSettings(values: Settings): Record<string, string> {
  const errors = contractErrors(SettingsSchema, values, ([head]) => head ?? 'form');
  if (errors.findingsRetentionDays) errors.findingsRetentionDays = `Enter a whole number of days between ${RETENTION_MIN} and ${RETENTION_MAX}.`;
  return errors;
}

/** Edits a copy of the settings (a @mantine/form form, checked as the user types); Save sends only what changed. */
export function SettingsForm({ settings, desktop }: { settings: Settings; desktop: boolean }) {
  const queryClient = useQueryClient();
  const form = useForm<Settings>({ initialValues: settings, validate: validateSettings, validateInputOnChange: true });
  const draft = form.values;
  const changes = (Object.keys(draft) as (keyof Settings)[]).filter((key) => draft[key] !== settings[key]);
  const save = useApiMutation('settings.update', {
    onSuccess: (saved) => {
      queryClient.setQueryData(apiKey('settings.get', {}), saved);
      notifications.show({ color: 'teal', title: 'Settings saved', message: 'Your changes are in effect.' });
    },
  });
  const set = form.setFieldValue;
  const retentionError = form.errors.findingsRetentionDays;

  const submit = form.onSubmit((values) => save.mutate(Object.fromEntries(changes.map((key) => [key, values[key]])) as Partial<Settings>));
  const discard = () => {
    form.setValues(settings);
    form.clearErrors();
  };
  const desktopNote = desktop ? undefined : ' Applies to the desktop app.';

  return (
    <Paper withBorder p="lg" radius="md" component="form" onSubmit={submit} aria-label="Settings">
      <Stack gap="lg">
        <Input.Wrapper label="Theme" description="System follows your operating system's light or dark mode." labelElement="div">
          <SegmentedControl
            aria-label="Theme"
            data={THEME_OPTIONS}
            value={draft.theme}
            onChange={(value) => set('theme', value as Theme)}
            mt={6}
            display="flex"
            w="fit-content"
          />
        </Input.Wrapper>
        <Switch
          label="Keep syncing in the tray when the window is closed"
          description={`Scheduled runs go on in the background; quit from the tray menu to stop.${desktopNote ?? ''}`}
          checked={draft.closeToTray}
          onChange={(event) => set('closeToTray', event.currentTarget.checked)}
        />
        <Switch
          label="Start at login"
          description={`Open Syncwarden in the tray when you sign in to your computer.${desktopNote ?? ''}`}
          checked={draft.startAtLogin}
          onChange={(event) => set('startAtLogin', event.currentTarget.checked)}
        />
        <NumberInput
          label="Keep resolved findings for"
          description="Repaired and dismissed findings older than this are removed from the console's store."
          suffix=" days"
          min={RETENTION_MIN}
          max={RETENTION_MAX}
          allowDecimal={false}
          clampBehavior="strict"
          value={draft.findingsRetentionDays}
          onChange={(value) => set('findingsRetentionDays', typeof value === 'number' ? value : Number.NaN)}
          error={retentionError}
          maw={420}
        />
        <Group gap="sm">
          <Button type="submit" disabled={changes.length === 0 || !!retentionError} loading={save.isPending}>
            Save changes
          </Button>
          <Button variant="default" disabled={changes.length === 0} onClick={discard}>
            Discard
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
