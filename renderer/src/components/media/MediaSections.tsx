import type { Finding, MediaOverview, MediaRow } from '@core/api';
import { Paper, Text } from '@mantine/core';
import { formatCount } from '../../lib/format';
import { Section } from '../Section';
import { ImportedRows } from './ImportedRows';
import { MediaFindingsList } from './MediaFindingsList';
import { MediaUsersTable } from './MediaUsersTable';
import type { MediaRepairChoice } from './useMedia';

interface MediaSectionsProps {
  overview: MediaOverview;
  findings: { items: Finding[]; total: number };
  imported: MediaRow[];
  busy: boolean;
  repair: (choice: MediaRepairChoice) => void;
}

/** Per-user counts, the open findings with their previews, and what the latest imports inserted. */
export function MediaSections({ overview, findings, imported, busy, repair }: MediaSectionsProps) {
  return (
    <>
      {imported.length > 0 && (
        <Section id="media-imported-title" title="Recently imported" hint="Rows the latest imports inserted, read back from the product database.">
          <ImportedRows rows={imported} />
        </Section>
      )}
      <Section id="media-users-title" title="Per user" hint={overview.checkedAt ? null : 'No complete listing yet: counts of assets appear after a check.'}>
        {overview.users.length ? (
          <MediaUsersTable users={overview.users} busy={busy} onImportUser={(user) => repair({ user })} />
        ) : (
          <Paper withBorder p="md" radius="md">
            <Text size="sm" c="dimmed">
              No user folders were found under the configured root.
            </Text>
          </Paper>
        )}
      </Section>
      <Section
        id="media-findings-title"
        title={`Open findings (${formatCount(findings.total)})`}
        hint={findings.total > findings.items.length ? `The first ${formatCount(findings.items.length)} are shown; the Findings page lists them all.` : undefined}
      >
        {findings.items.length ? (
          <MediaFindingsList findings={findings.items} busy={busy} onImport={(finding) => repair({ findingIds: [finding.id] })} />
        ) : (
          <Paper withBorder p="md" radius="md">
            <Text size="sm" c="dimmed" data-testid="media-findings-empty">
              {overview.checkedAt ? 'Nothing open: every asset in Cloudinary has its row.' : 'Nothing open, but no check has completed yet: whether every asset has its row is not known.'}
            </Text>
          </Paper>
        )}
      </Section>
    </>
  );
}
