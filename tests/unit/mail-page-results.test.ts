import type { Run } from '../../core/api/models';
import { describe, expect, it } from 'vitest';
import { latestOutcomes, previewTotals, userLines } from '../../renderer/src/components/mail/mail-results';

const run = (id: number, params: Record<string, unknown>, result: Record<string, unknown> | null): Run => ({ id, params, result }) as unknown as Run;

describe('the Mail page reads mail-import results', () => {
  it("each user's status comes from the newest import that has a line for them; checks and malformed lines are ignored", () => {
    const runs = [
      run(5, { mode: 'check' }, { mode: 'check', perUser: [{ userId: 'u-ada', outcome: 'failed', wouldImport: 0 }] }),
      run(4, { mode: 'import', user: 'u-ada' }, { mode: 'import', perUser: [{ userId: 'u-ada', email: 'ada@example.com', outcome: 'failed', imported: 0, message: 'quota' }, 'junk', { outcome: 'imported' }] }),
      run(3, { mode: 'import' }, { mode: 'import', perUser: [{ userId: 'u-ada', outcome: 'imported', imported: 3 }, { userId: 'u-grace', outcome: 'needs-reconnect', imported: 0 }] }),
      run(2, { mode: 'import' }, null),
    ];
    const latest = latestOutcomes(runs);
    expect(latest.get('u-ada')).toEqual({ userId: 'u-ada', email: 'ada@example.com', outcome: 'failed', count: 0, message: 'quota', runId: 4 });
    expect(latest.get('u-grace')).toMatchObject({ outcome: 'needs-reconnect', runId: 3 });
    expect(latest.size).toBe(2);
  });

  it('a preview counts what would be imported, per user and in total', () => {
    const check = run(7, { mode: 'check' }, { mode: 'check', users: 2, wouldImport: 5, skipped: 1, outcomes: { 'needs-reconnect': 1, failed: 0 }, perUser: [{ userId: 'u-ada', outcome: 'checked', wouldImport: 5 }] });
    expect(previewTotals(check)).toEqual({ users: 2, wouldImport: 5, skipped: 1, needsReconnect: 1, failed: 0 });
    expect(userLines(check)).toEqual([{ userId: 'u-ada', email: null, outcome: 'checked', count: 5, message: null }]);
    expect(previewTotals(run(8, {}, null))).toEqual({ users: 0, wouldImport: 0, skipped: 0, needsReconnect: 0, failed: 0 });
  });
});
