import { Group, NativeSelect, Pagination, Text } from '@mantine/core';
import { formatCount } from '../../lib/format';

const PAGE_SIZES = [25, 50, 100, 200];

interface TablePagerProps {
  total: number;
  offset: number;
  limit: number;
  onChange: (next: { offset: number; limit: number }) => void;
  noun: string;
  /** Page sizes offered (the host's limit caps them); 25 to 200 by default. */
  pageSizes?: readonly number[];
  testId?: string;
}

/** "Showing 51–100 of 1,234 · page 2 of 25", first/previous/next/last and page buttons, and a page-size picker, for server-paged tables. */
export function TablePager({ total, offset, limit, onChange, noun, pageSizes = PAGE_SIZES, testId }: TablePagerProps) {
  const pages = Math.max(1, Math.ceil(total / limit));
  const page = Math.floor(offset / limit) + 1;
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(total, offset + limit);
  return (
    <Group justify="space-between" gap="sm" wrap="wrap" data-testid={testId}>
      <Text size="sm" c="dimmed" aria-live="polite" data-testid={testId && `${testId}-text`}>
        {total === 0 ? `No ${noun}` : `Showing ${formatCount(first)}–${formatCount(last)} of ${formatCount(total)} ${noun} · page ${formatCount(page)} of ${formatCount(pages)}`}
      </Text>
      <Group gap="sm">
        <Pagination
          total={pages}
          value={page}
          onChange={(next) => onChange({ offset: (next - 1) * limit, limit })}
          size="sm"
          withEdges
          siblings={1}
          getControlProps={(control) => ({ 'aria-label': `${control} page` })}
          getItemProps={(n) => ({ 'aria-label': `Page ${n}` })}
        />
        <NativeSelect
          size="xs"
          aria-label="Rows per page"
          data={pageSizes.map((size) => ({ value: String(size), label: `${size} / page` }))}
          value={String(limit)}
          // The first row on screen stays on screen: the new page is the one that holds it.
          onChange={(event) => {
            const size = Number(event.currentTarget.value);
            onChange({ offset: Math.floor(offset / size) * size, limit: size });
          }}
          data-testid={testId && `${testId}-size`}
        />
      </Group>
    </Group>
  );
}
