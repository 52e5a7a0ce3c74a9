import { DataList } from '@mantine/core';
import type { ReactNode } from 'react';

/** Label/value pairs (a <dl>), for run details and the About block. */
export function Facts({ items, labelWidth = 130 }: { items: [string, ReactNode][]; labelWidth?: number }) {
  return (
    <DataList labelWidth={labelWidth} gap="xs">
      {items.map(([label, value]) => (
        <DataList.Item key={label}>
          <DataList.ItemLabel>{label}</DataList.ItemLabel>
          <DataList.ItemValue>{value}</DataList.ItemValue>
        </DataList.Item>
      ))}
    </DataList>
  );
}
