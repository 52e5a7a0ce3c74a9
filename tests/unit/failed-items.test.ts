import { describe, expect, it } from 'vitest';
import { FailedItems, MAX_FAILED_ITEM_TEXT, MAX_FAILED_ITEMS } from '../../core/engines/failed-items';
import { accountFailure } from '../../core/engines/storage-orphans/account-failure';
import type { AccountReport } from '../../core/engines/storage-orphans/account-probe';
import type { StorageAccount } from '../../core/engines/storage-orphans/storage-model';
import { summarise } from '../../core/engines/mail-import/mail-report';
import type { UserReport } from '../../core/engines/mail-import/mail-model';

describe('FailedItems: an exact count and a bounded list', () => {
  it('nothing failed: itemsFailed 0 and no list', () => {
    expect(new FailedItems().fields()).toEqual({ itemsFailed: 0 });
  });

  it('keeps the first 50 with their reasons, counts every one, and says the list is cut', () => {
    const failed = new FailedItems();
    for (let i = 0; i < 120; i++) failed.add(`item-${i}`, `reason ${i}`);
    const fields = failed.fields();
    expect(fields.itemsFailed).toBe(120);
    expect(fields.failedItems).toHaveLength(MAX_FAILED_ITEMS);
    expect(fields.failedItems?.[0]).toEqual({ item: 'item-0', reason: 'reason 0' });
    expect(fields.failedItemsTruncated).toBe(true);
  });

  it('keeps a huge reason (a proxy\'s HTML page) to a bounded length', () => {
    const failed = new FailedItems();
    failed.add('ada@example.com', `<html>${'x'.repeat(200_000)}</html>`);
    const [kept] = failed.fields().failedItems ?? [];
    expect(kept?.reason.length).toBe(MAX_FAILED_ITEM_TEXT);
    expect(kept?.reason.startsWith('<html>')).toBe(true);
  });

  it('absorbing another list keeps the count exact however many were kept', () => {
    const check = new FailedItems();
    for (let i = 0; i < 60; i++) check.add(`account-${i}`, 'unknown');
    const repair = new FailedItems();
    repair.add('file:row-1', 'refused');
    const all = new FailedItems();
    all.absorb(check);
    all.absorb(repair);
    expect(all.count).toBe(61);
    expect(all.fields().failedItems).toHaveLength(MAX_FAILED_ITEMS);
  });
});

describe('what counts as a failed item', () => {
  const account = (needsReconnect: boolean): StorageAccount => ({ accountId: 'a', userId: 'u-ada', email: 'ada@example.com', provider: 'dropbox', needsReconnect, autoSync: true, deleteAfterSync: false }) as StorageAccount;
  const report = (extra: Partial<AccountReport>): AccountReport => ({ userId: 'u-ada', email: 'ada@example.com', provider: 'dropbox', mode: 'list', pass: 'full', passReason: 'first pass', filesChecked: 1, orphans: 0, trashed: 0, unknown: {}, status: 'ok', message: null, ...extra });

  it('storage-orphans: unknown and newly refused accounts fail; flagged-before, unavailable providers and refused connections do not', () => {
    expect(accountFailure(account(false), report({}))).toBeNull();
    expect(accountFailure(account(false), report({ status: 'unknown', message: '3 files could not be checked' }))).toBe('3 files could not be checked');
    expect(accountFailure(account(false), report({ status: 'needs-reconnect', message: 'must reconnect' }))).toBe('must reconnect');
    expect(accountFailure(account(true), report({ status: 'needs-reconnect', message: 'must reconnect' }))).toBeNull();
    expect(accountFailure(account(false), report({ status: 'unknown', providerUnavailable: true }))).toBeNull();
    expect(accountFailure(account(false), report({ status: 'unknown', connectionFault: {} as never }))).toBeNull();
  });

  it('mail-import: failed and newly refused users fail; users flagged before and users without Google do not', () => {
    const user = (userId: string, outcome: UserReport['outcome']): UserReport => ({ userId, email: `${userId}@example.com`, outcome, pass: null, imported: 0, skipped: 0, gone: 0, message: `${outcome} message` });
    const result = summarise([user('a', 'imported'), user('b', 'failed'), user('c', 'needs-reconnect'), user('d', 'needs-reconnect'), user('e', 'no-account')], new Set(['d']));
    expect(result.itemsFailed).toBe(2);
    expect(result.failedItems).toEqual([
      { item: 'b@example.com', reason: 'failed message' },
      { item: 'c@example.com', reason: 'needs-reconnect message' },
    ]);
  });
});
