import type { Settings } from '@core/api';
import { Button, Center, Group, Input, NumberInput, Paper, SegmentedControl, Stack, Switch } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDeviceDesktop, IconMoon, IconSun } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { apiKey, useApiMutation } from '../hooks/useApi';

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

/** Edits a copy of the settings; Save sends only what changed. */
export function SettingsForm({ settings, desktop }: { settings: Settings; desktop: boolean }) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Settings>(settings);
  const changes = (Object.keys(draft) as (keyof Settings)[]).filter((key) => draft[key] !== settings[key]);
  const save = useApiMutation('settings.update', {
    onSuccess: (saved) => {
      queryClient.setQueryData(apiKey('settings.get', {}), saved);
      notifications.show({ color: 'teal', title: 'Settings saved', message: 'Your changes are in effect.' });
    },
  });
  const set = <K extends keyof Settings>(key: K, value: Settings[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const retentionValid = Number.isInteger(draft.findingsRetentionDays) && draft.findingsRetentionDays >= 1 && draft.findingsRetentionDays <= 3650;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!retentionValid) return;
    save.mutate(Object.fromEntries(changes.map((key) => [key, draft[key]])) as Partial<Settings>);
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
          min={1}
          max={3650}
          allowDecimal={false}
          clampBehavior="strict"
          value={draft.findingsRetentionDays}
          onChange={(value) => set('findingsRetentionDays', typeof value === 'number' ? value : Number.NaN)}
          error={retentionValid ? undefined : 'Enter a whole number of days between 1 and 3650.'}
          maw={420}
        />
        <Group gap="sm">
          <Button type="submit" disabled={changes.length === 0 || !retentionValid} loading={save.isPending}>
            Save changes
          </Button>
          <Button variant="default" disabled={changes.length === 0} onClick={() => setDraft(settings)}>
            Discard
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
