import type { SheetSource } from '@core/api';
import { Button, Center, EmptyState, Loader, Stack } from '@mantine/core';
import { IconPlus, IconTable } from '@tabler/icons-react';
import { useState } from 'react';
import { PageHeader } from '../components/PageHeader';
import { useConnectionsList } from '../components/connections/useConnections';
import { RemoveSourceModal } from '../components/sheets/RemoveSourceModal';
import { SourceCard } from '../components/sheets/SourceCard';
import { SourceFormModal, type SourceFormTarget } from '../components/sheets/SourceFormModal';
import { useSheetSources } from '../components/sheets/useSheetSources';

/** Google Sheet imports: each source, its last import, live progress, row errors and cached data. */
export function SheetsPage() {
  const { sources, isLoading } = useSheetSources();
  const connections = useConnectionsList();
  const googleConnections = (connections.data ?? []).filter((c) => c.kind === 'google').map((c) => c.name);
  // The targets outlive `opened` so a closing modal keeps its content until it is gone.
  const [form, setForm] = useState<{ target?: SourceFormTarget; opened: boolean; session: number }>({ opened: false, session: 0 });
  const [removal, setRemoval] = useState<{ source?: SheetSource; opened: boolean }>({ opened: false });
  const openForm = (target: SourceFormTarget) => setForm((current) => ({ target, opened: true, session: current.session + 1 }));
  const addButton = (
    <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => openForm({ mode: 'create' })} data-testid="add-source">
      Add source
    </Button>
  );

  return (
    <Stack gap="lg">
      <PageHeader
        title="Sheets"
        description="Google Sheets cached in the product database. An import replaces a cache in one step: a failed or cancelled import leaves the previous cache as it was."
        actions={sources.length > 0 && addButton}
      />
      {isLoading ? (
        <Center py="xl">
          <Loader size="sm" aria-label="Loading sheet sources" />
        </Center>
      ) : sources.length === 0 ? (
        <EmptyState
          icon={<IconTable size={28} aria-hidden />}
          withIndicatorBackground
          size="sm"
          title="No sheet sources yet"
          description="A source names a spreadsheet, the Google connection and storage account that read it, the cache table it fills and how its columns map. Add one, then import it."
          data-testid="sheets-empty"
        >
          <EmptyState.Actions>{addButton}</EmptyState.Actions>
        </EmptyState>
      ) : (
        sources.map((source) => (
          <SourceCard key={source.id} source={source} onEdit={() => openForm({ mode: 'edit', source })} onRemove={() => setRemoval({ source, opened: true })} />
        ))
      )}
      <SourceFormModal
        target={form.target}
        opened={form.opened}
        session={form.session}
        googleConnections={googleConnections}
        onClose={() => setForm((current) => ({ ...current, opened: false }))}
      />
      <RemoveSourceModal source={removal.source} opened={removal.opened} onClose={() => setRemoval((current) => ({ ...current, opened: false }))} />
    </Stack>
  );
}
