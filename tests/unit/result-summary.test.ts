import { describe, expect, it } from 'vitest';
import { engineInfo } from '../../core/engines/engine';
import { BUILTIN_ENGINES } from '../../core/engines/registry';
import { findingSubjectName, lowerFirst, summarizeResult } from '../../renderer/src/lib/result-summary';

/** Walk finding 6: results, kinds and subjects in each engine's own words (declared in its descriptor's ui part). */
const ui = (id: string) => {
  const engine = BUILTIN_ENGINES.find((e) => e.id === id);
  if (!engine) throw new Error(`no engine ${id}`);
  return engineInfo(engine).ui;
};

describe('result summaries and finding labels declared by the engines', () => {
  it('summarises a result in words, not raw fields', () => {
    const media = { complete: true, resumed: false, assets: 120, ignored: 0, users: 6, byKind: {}, budget: { calls: 3, allowance: null, remaining: null } };
    expect(summarizeResult(media, ui('media-import').resultSummary, 2)).toBe('120 assets · 6 users');
    const stopped = { complete: false, stoppedBy: 'budget', resumed: true, assetsListed: 500, budget: {} };
    expect(summarizeResult(stopped, ui('media-import').resultSummary)).toBe('stopped early (budget), resumes next check · 500 assets listed · resumed');
    const identity = { users: 6, localUsers: 6, remoteUsers: 6, classifySeconds: 0, sourceOfTruth: 'appdb', inSync: 5, localOnly: 0, remoteOnly: 1, inconsistent: 0, matchedByEmail: 0, softDeletedRemote: 0, percentInSync: 83.3 };
    const text = summarizeResult(identity, ui('identity').resultSummary);
    expect(text).toBe('6 users · 83.3 % in sync · 1 only in Supabase Auth');
    expect(text).not.toMatch(/sourceOfTruth|appdb/);
    expect(summarizeResult({ mode: 'check', accounts: 39, filesChecked: 1200, orphans: 0 }, ui('storage-orphans').resultSummary)).toBe('39 accounts · 1,200 files checked · 0 orphans');
    expect(summarizeResult({ mode: 'check', rowsValid: 2, counts: { added: 2, removed: 0, changed: 0, rejected: 0, unchanged: 0 } }, ui('sheet-import').resultSummary)).toBe('2 valid rows · 2 to add');
    // An engine that declares nothing (or a result none of whose keys it knows) reads as before.
    expect(summarizeResult({ a: 1, b: 'x' }, [])).toBe('a 1 · b x');
  });

  it('labels every finding kind the engines write, and names a subject from its details', () => {
    expect(ui('media-import').findingKinds['missing-in-db']).toBe('Asset, no row');
    expect(ui('storage-orphans').findingKinds.orphan).toBe('File gone');
    expect(ui('identity').findingKinds['remote-only']).toBe('Not in users');
    expect(findingSubjectName('asset:bjarne@example.com/videos/talk-1', { asset: { title: 'Keynote 2026', publicId: 'bjarne@example.com/videos/talk-1' } }, ui('media-import').findingName)).toBe('Keynote 2026');
    expect(findingSubjectName('file:f-77', { fileName: 'Q3 report.pdf' }, ui('storage-orphans').findingName)).toBe('Q3 report.pdf');
    expect(findingSubjectName('user:ada@example.com', null, ui('identity').findingName)).toBe('user:ada@example.com');
    expect(lowerFirst('Checking Google Drive and Dropbox')).toBe('checking Google Drive and Dropbox');
  });
});
