import { Center, EmptyState, Loader, Stack } from '@mantine/core';
import { IconTable } from '@tabler/icons-react';
import { PageHeader } from '../components/PageHeader';
import { SourceCard } from '../components/sheets/SourceCard';
import { useSheetSources } from '../components/sheets/useSheetSources';

/** Google Sheet imports: each source, its last import, live progress, row errors and cached data. */
export function SheetsPage() {
  const { sources, isLoading } = useSheetSources();
  return (
    <Stack gap="lg">
      <PageHeader
        title="Sheets"
        description="Google Sheets cached in the product database. An import replaces a cache in one step: a failed or cancelled import leaves the previous cache as it was."
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
          description="A source names a spreadsheet, its Google connection, the storage account that reads it, the cache table and the column mapping. Add one through the sheets.sources.create method; this page does not have a form for it yet."
        />
      ) : (
        sources.map((source) => <SourceCard key={source.id} source={source} />)
      )}
    </Stack>
  );
}
