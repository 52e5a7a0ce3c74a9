import { Group, NativeSelect, Pagination, Text } from '@mantine/core';
import { formatCount } from '../../lib/format';

const PAGE_SIZES = ['25', '50', '100', '200'];

interface TablePagerProps {
  total: number;
  offset: number;
  limit: number;
  onChange: (next: { offset: number; limit: number }) => void;
  noun: string;
}

/** "Showing 51–100 of 1,234", page buttons and a page-size picker, for server-paged tables. */
export function TablePager({ total, offset, limit, onChange, noun }: TablePagerProps) {
  const pages = Math.max(1, Math.ceil(total / limit));
  const page = Math.floor(offset / limit) + 1;
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(total, offset + limit);
  return (
    <Group justify="space-between" gap="sm" wrap="wrap">
      <Text size="sm" c="dimmed" aria-live="polite">
        {total === 0 ? `No ${noun}` : `Showing ${formatCount(first)}–${formatCount(last)} of ${formatCount(total)} ${noun}`}
      </Text>
      <Group gap="sm">
        <Pagination
          total={pages}
          value={page}
          onChange={(next) => onChange({ offset: (next - 1) * limit, limit })}
          size="sm"
          withEdges
          getControlProps={(control) => ({ 'aria-label': `${control} page` })}
        />
        <NativeSelect
          size="xs"
          aria-label="Rows per page"
          data={PAGE_SIZES.map((size) => ({ value: size, label: `${size} / page` }))}
          value={String(limit)}
          onChange={(event) => onChange({ offset: 0, limit: Number(event.currentTarget.value) })}
        />
      </Group>
    </Group>
  );
}
