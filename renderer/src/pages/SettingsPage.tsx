import { Alert, Loader, Stack } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { AboutCard } from '../components/AboutCard';
import { PageHeader } from '../components/PageHeader';
import { SettingsForm } from '../components/SettingsForm';
import { StoreCard } from '../components/StoreCard';
import { UpdatesCard } from '../components/UpdatesCard';
import { useApiQuery } from '../hooks/useApi';
import { useAppInfo } from '../hooks/useAppInfo';

export function SettingsPage() {
  const settings = useApiQuery('settings.get', {});
  const info = useAppInfo();
  return (
    <Stack gap="lg" maw={760}>
      <PageHeader title="Settings" description="How the console looks and behaves on this machine." />
      {settings.isLoading && <Loader size="sm" aria-label="Loading settings" />}
      {settings.isError && (
        <Alert color="red" icon={<IconAlertCircle />} title="Could not load settings">
          {settings.error.message}
        </Alert>
      )}
      {settings.data && (
        // Re-mount on every saved version so the draft starts from what the host stored.
        <SettingsForm key={JSON.stringify(settings.data)} settings={settings.data} desktop={info.data?.host === 'electron'} />
      )}
      <StoreCard />
      {info.data && <UpdatesCard info={info.data} />}
      {info.data && <AboutCard info={info.data} />}
    </Stack>
  );
}
