import { describe, expect, it } from 'vitest';
import { kindOptions } from '../../../renderer/src/components/FindingsFilters';

type Engine = Parameters<typeof kindOptions>[0][number];

const engines: Engine[] = [
  { id: 'storage-orphans', title: 'Storage orphans', ui: { findingKinds: { orphan: 'File gone', trashed: 'File trashed' } } },
  { id: 'media-import', title: 'Cloudinary media', ui: { findingKinds: { 'missing-in-db': 'Asset, no row', orphan: 'Row, no asset' } } },
  { id: 'demo', title: 'Demonstration', ui: { findingKinds: {} } },
];

describe('the Findings page filters kinds in each engine’s words', () => {
  it('groups every declared kind under its engine, each value once, and only the chosen engine’s when one is chosen', () => {
    expect(kindOptions(engines, null, '')).toEqual([
      { group: 'Storage orphans', items: [{ value: 'orphan', label: 'File gone' }, { value: 'trashed', label: 'File trashed' }] },
      { group: 'Cloudinary media', items: [{ value: 'missing-in-db', label: 'Asset, no row' }] },
    ]);
    expect(kindOptions(engines, 'media-import', '')).toEqual([
      { group: 'Cloudinary media', items: [{ value: 'missing-in-db', label: 'Asset, no row' }, { value: 'orphan', label: 'Row, no asset' }] },
    ]);
  });

  it('keeps a kind from an old link that no engine declares, under its own name', () => {
    expect(kindOptions(engines, 'storage-orphans', 'orphan-file').at(-1)).toEqual({ group: 'Other', items: [{ value: 'orphan-file', label: 'orphan-file' }] });
  });
});
