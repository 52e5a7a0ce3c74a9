import { describe, expect, it } from 'vitest';
import { summariseCheck } from '../../core/engines/mail-import/mail-check-report';
import { MAX_CHECK_USER_LINES, MAX_SAMPLED, MailCheckResult, SAMPLE_PER_USER, type MailCheckUser } from '../../core/engines/mail-import/mail-check-result';
import { MailImportParams, scopeOf } from '../../core/engines/mail-import/mail-params';

/** A mail-import check's result stays small and honest whatever the number of users and messages. */
const user = (i: number, extra: Partial<MailCheckUser> = {}): MailCheckUser => ({
  userId: `u${i}`,
  email: `u${i}@example.com`,
  outcome: 'checked',
  pass: 'history',
  wouldImport: 7,
  skipped: 1,
  gone: 0,
  flagged: false,
  sample: Array.from({ length: SAMPLE_PER_USER }, (_, k) => ({ id: `m${i}-${k}`, threadId: `t${i}`, subject: 's', from: 'f', date: null })),
  ...extra,
});

describe('mail-import check result', () => {
  it('10,000 users: exact totals, at most MAX_CHECK_USER_LINES lines and MAX_SAMPLED sampled messages, attention first', () => {
    const reports = Array.from({ length: 10_000 }, (_, i) =>
      i === 9_999 ? user(i, { outcome: 'failed', wouldImport: 0, sample: [], message: 'quota' }) : i % 2 ? user(i) : user(i, { wouldImport: 0, sample: [] }),
    );
    const result = summariseCheck(reports, new Set(), 0);
    expect(MailCheckResult.strict().safeParse(result).success).toBe(true);
    expect(result).toMatchObject({ users: 10_000, wouldImport: 4_999 * 7, perUserTruncated: true, samplesTruncated: true, itemsFailed: 1 });
    expect(result.perUser).toHaveLength(MAX_CHECK_USER_LINES);
    expect(result.perUser[0]?.userId).toBe('u9999');
    expect(result.perUser[1]?.wouldImport).toBe(7);
    expect(result.perUser.reduce((n, u) => n + u.sample.length, 0)).toBe(MAX_SAMPLED);
    expect(JSON.stringify(result).length).toBeLessThan(400_000);
  });

  it('a refused grant fails the check only when the account was not flagged before, as in an import', () => {
    const result = summariseCheck([user(1, { outcome: 'needs-reconnect', message: 'revoked' }), user(2, { outcome: 'needs-reconnect', flagged: true }), user(3, { flagged: true })], new Set(['u2']), 1);
    expect(result).toMatchObject({ itemsFailed: 1, failedItems: [{ item: 'u1@example.com', reason: 'revoked' }], wouldReconnect: 1, tokensWritten: 1 });
    expect(result.needsReconnect.map((n) => n.userId)).toEqual(['u1', 'u2']);
  });

  it('import stays the default mode; a check has scopes of its own', () => {
    expect(MailImportParams.parse({}).mode).toBe('import');
    expect(scopeOf(MailImportParams.parse({ user: 'u1' }))).toBe('user:u1');
    expect(scopeOf(MailImportParams.parse({ mode: 'check', user: 'u1' }))).toBe('check:user:u1');
    expect(scopeOf(MailImportParams.parse({ mode: 'check' }))).toBe('check:all');
    expect(MailImportParams.safeParse({ mode: 'repair' }).success).toBe(false);
  });
});
