import type { AppInfo } from '@core/api';
import { ActionIcon, Code, CopyButton, Group, Paper, Stack, Title, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { Facts } from './Facts';

const HOST_LABEL: Record<AppInfo['host'], string> = { electron: 'Desktop app', browser: 'Browser mode', cli: 'Command line' };

export function AboutCard({ info }: { info: AppInfo }) {
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="about-title">
      <Stack gap="md">
        <Title order={3} size="h4" id="about-title">
          About {info.name}
        </Title>
        <Facts
          labelWidth={150}
          items={[
            ['Version', info.version],
            ['Host', HOST_LABEL[info.host]],
            [
              'Data directory',
              <Group key="dir" gap={4} wrap="nowrap">
                <Code style={{ wordBreak: 'break-all' }}>{info.dataDir}</Code>
                <CopyButton value={info.dataDir}>
                  {({ copied, copy }) => (
                    <Tooltip label={copied ? 'Copied' : 'Copy path'}>
                      <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label="Copy data directory path">
                        {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                      </ActionIcon>
                    </Tooltip>
                  )}
                </CopyButton>
              </Group>,
            ],
            ['Schema version', String(info.schemaVersion)],
            ['Engines', info.engines.length === 0 ? 'none yet' : info.engines.map((e) => e.title).join(', ')],
          ]}
        />
      </Stack>
    </Paper>
  );
}
