/**
 * The benchmark's sheet, row by row, shared by the emulator's child process
 * (which serves it) and the bare-parse floor (which parses the same bytes):
 * 10 columns, about 100 bytes a row as CSV.
 */
export const BENCH_HEADER = ['Id', 'Sku', 'Name', 'Price', 'Qty', 'Active', 'Added', 'Category', 'Supplier', 'Note'];

export function benchSheetRow(i: number): string[] {
  const day = String(1 + (i % 28)).padStart(2, '0');
  return [
    String(i),
    `SKU-${String(i).padStart(8, '0')}`,
    `Product ${i} ${COLOURS[i % COLOURS.length]}`,
    `${i % 1000}.${String(i % 100).padStart(2, '0')}`,
    String(i % 5000),
    i % 3 ? 'TRUE' : 'FALSE',
    `2025-${String(1 + (i % 12)).padStart(2, '0')}-${day}`,
    `category-${i % 40}`,
    `supplier-${i % 900}`,
    `restock note ${i % 7}`,
  ];
}

const COLOURS = ['blue', 'green', 'red', 'black', 'white', 'silver'];

export const BENCH_COLUMNS = [
  { header: 'Id', column: 'id', type: 'integer', required: true },
  { header: 'Sku', column: 'sku', type: 'text', required: true },
  { header: 'Name', column: 'name', type: 'text', required: false },
  { header: 'Price', column: 'price', type: 'number', required: true },
  { header: 'Qty', column: 'qty', type: 'integer', required: false },
  { header: 'Active', column: 'active', type: 'boolean', required: false },
  { header: 'Added', column: 'added', type: 'date', required: false },
  { header: 'Category', column: 'category', type: 'text', required: false },
  { header: 'Supplier', column: 'supplier', type: 'text', required: false },
  { header: 'Note', column: 'note', type: 'text', required: false },
] as const;
