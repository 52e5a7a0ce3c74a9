import { Group, Text } from '@mantine/core';
import { IconBrandDropbox, IconBrandGoogleDrive } from '@tabler/icons-react';
import type { StorageProvider } from './useStorage';

const PROVIDER_LABEL: Record<StorageProvider, string> = { google: 'Google Drive', dropbox: 'Dropbox' };

/** "Google Drive" or "Dropbox" with its mark; the app DB says google/dropbox, people say the product's name. */
export function ProviderLabel({ provider }: { provider: string }) {
  const known = provider === 'google' || provider === 'dropbox';
  const Icon = provider === 'dropbox' ? IconBrandDropbox : IconBrandGoogleDrive;
  return (
    <Group gap={6} wrap="nowrap">
      {known && <Icon size={16} aria-hidden stroke={1.6} />}
      <Text size="sm" truncate>
        {known ? PROVIDER_LABEL[provider] : provider}
      </Text>
    </Group>
  );
}
