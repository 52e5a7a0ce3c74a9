import type { RowData } from '@tanstack/react-table';

declare module '@tanstack/react-table' {
  // A module augmentation must repeat the original type parameters, used or not.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /** CSS width of the column; columns without one share what is left. */
    width?: number | string;
    align?: 'left' | 'right' | 'center';
  }
}

export {};
