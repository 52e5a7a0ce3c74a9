import type { Finding } from '@core/api';
import { Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { formatBytes } from '../../lib/format';
import { MediaThumbnail } from './MediaThumbnail';
import { MISSING_IN_DB } from './useMedia';

const KIND_LABEL: Record<string, { label: string; color: string }> = {
  'missing-in-db': { label: 'Missing in DB', color: 'orange' },
  'missing-in-cloudinary': { label: 'Missing in Cloudinary', color: 'red' },
  mismatch: { label: 'Mismatch', color: 'yellow' },
  'unknown-owner': { label: 'Unknown owner', color: 'grape' },
  'unlinked-clip': { label: 'Unlinked clip', color: 'gray' },
};

interface AssetDetails {
  title?: string;
  thumbnailUrl?: string;
  kind?: string;
  durationSeconds?: number | null;
  bytes?: number;
}

/** The open findings of media-import, each with its preview and, for a missing row, its Import button. */
export function MediaFindingsList({ findings, busy, onImport }: { findings: Finding[]; busy: boolean; onImport: (finding: Finding) => void }) {
  return (
    <Stack gap="xs" data-testid="media-findings" role="list" aria-label="Open media findings">
      {findings.map((finding) => {
        const asset = (finding.details?.asset ?? {}) as AssetDetails;
        const title = asset.title ?? finding.subject.replace(/^asset:/, '');
        const kind = KIND_LABEL[finding.kind] ?? { label: finding.kind, color: 'gray' };
        return (
          <Paper key={finding.id} withBorder radius="md" p="xs" role="listitem" data-testid={`media-finding-${finding.id}`}>
            <Group wrap="nowrap" gap="sm">
              <MediaThumbnail url={asset.thumbnailUrl} title={title} />
              <Stack gap={2} miw={0} style={{ flex: 1 }}>
                <Group gap="xs" wrap="nowrap">
                  <Text fw={600} size="sm" truncate>
                    {title}
                  </Text>
                  <Badge size="sm" variant="light" color={kind.color}>
                    {kind.label}
                  </Badge>
                  {asset.kind && (
                    <Badge size="sm" variant="default">
                      {asset.kind}
                    </Badge>
                  )}
                </Group>
                <Text size="xs" c="dimmed" truncate>
                  {finding.userEmail ?? 'no user'} · {finding.reason}
                </Text>
                {(asset.durationSeconds != null || asset.bytes != null) && (
                  <Text size="xs" c="dimmed">
                    {asset.durationSeconds != null ? `${Math.round(asset.durationSeconds)} s` : ''}
                    {asset.durationSeconds != null && asset.bytes != null ? ' · ' : ''}
                    {asset.bytes != null ? formatBytes(asset.bytes) : ''}
                  </Text>
                )}
              </Stack>
              {finding.kind === MISSING_IN_DB && (
                <Button
                  size="compact-sm"
                  leftSection={<IconDownload size={14} aria-hidden />}
                  disabled={busy}
                  onClick={() => onImport(finding)}
                  aria-label={`Import ${title}`}
                  data-testid={`media-import-${finding.id}`}
                >
                  Import
                </Button>
              )}
            </Group>
          </Paper>
        );
      })}
    </Stack>
  );
}
