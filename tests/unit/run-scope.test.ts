import { describe, expect, it } from 'vitest';
import { parseRunScope, runScopeText } from '../../core/api/run-scope';
import { describeRun } from '../../core/cli/describe';
import { mailImportEngine } from '../../core/engines/mail-import';
import { summarise } from '../../core/engines/mail-import/mail-report';
import { scopeProvider, scopeUserKey } from '../../renderer/src/lib/people';
import type { Run } from '../../core/api/models';

describe('run scopes in words', () => {
  it('a repair of everything reads "All users"; the mode prefix of a single-flight key is not part of what the run covered', () => {
    expect(runScopeText('repair:all')).toBe('All users');
    expect(runScopeText('check:all')).toBe('All users');
    expect(runScopeText('all')).toBe('All users');
    expect(runScopeText('repair:finding:12')).toBe('Finding #12');
    expect(runScopeText('repair:findings')).toBe('Selected findings');
    expect(runScopeText('source:3:check')).toBe('Sheets source #3 · preview');
    expect(runScopeText('demo-scope')).toBe('demo-scope');
  });

  it('a user scope, with or without mode and provider, is named by the email a lookup gives, else by its key', () => {
    const emails = new Map([['u-ada', 'ada@example.com']]);
    const person = (key: string) => emails.get(key);
    expect(runScopeText('user:u-ada', person)).toBe('ada@example.com');
    expect(runScopeText('repair:user:u-ada', person)).toBe('ada@example.com');
    expect(runScopeText('check:user:u-ada', person)).toBe('ada@example.com');
    expect(runScopeText('user:u-ada:dropbox', person)).toBe('ada@example.com · Dropbox');
    expect(runScopeText('user:u-grace', person)).toBe('u-grace');
    expect(parseRunScope('user:u-grace:google')).toEqual({ kind: 'user', key: 'u-grace', provider: 'google' });
    expect(parseRunScope('user:')).toEqual({ kind: 'other', scope: 'user:' });
    expect(scopeUserKey('repair:user:ada@example.com')).toBe('ada@example.com');
    expect(scopeProvider('user:u-grace:dropbox')).toBe('dropbox');
  });
});

describe('mail-import on the CLI', () => {
  const run = (result: Record<string, unknown>): Run =>
    ({ id: 7, engine: 'mail-import', params: { mode: 'import' }, state: 'succeeded', error: null, result, apiCalls: { gmail: 3 } }) as unknown as Run;
  const describeResult = (result: Readonly<Record<string, unknown>>) => mailImportEngine.cli?.describeResult?.(result) ?? null;

  it('an import of one user with nothing new says 0 messages and 1 user done, never "imported: 0" beside "imported: 1"', () => {
    const result = summarise([{ userId: 'u-ada', email: 'ada@example.com', outcome: 'imported', pass: 'history', imported: 0, skipped: 4, gone: 0 }]);
    const text = describeRun(run(result), describeResult);
    expect(text).toContain('users: 1 (1 done)');
    expect(text).toContain('messages imported: 0');
    expect(text).toContain('messages already in the database: 4');
    expect(text).toContain('ada@example.com: done: 0 messages imported');
    expect(text).toContain('API calls: gmail 3');
    expect(text).not.toMatch(/^\s*imported: /m);
    expect(text).not.toContain('{');
  });

  it("a check's result keeps the generic printer", () => {
    expect(describeResult({ mode: 'check', users: 1, wouldImport: 4 })).toBeNull();
  });
});
