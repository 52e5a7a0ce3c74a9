import { describe, expect, it } from 'vitest';
import { findingLabel } from '../../renderer/src/lib/findings';
import { scopeProvider, scopeUserKey } from '../../renderer/src/lib/people';

describe('people in scopes and toasts', () => {
  it('a run scope names its user by id or email, with or without a provider; other scopes name nobody', () => {
    expect(scopeUserKey('user:u-ada')).toBe('u-ada');
    expect(scopeUserKey('user:ada@example.com')).toBe('ada@example.com');
    expect(scopeUserKey('user:u-grace:google')).toBe('u-grace');
    expect(scopeProvider('user:u-grace:dropbox')).toBe('dropbox');
    expect(scopeProvider('user:u-ada')).toBeNull();
    for (const scope of ['all', 'source:3', 'source:3:check', 'user:', 'users:x']) expect(scopeUserKey(scope)).toBeNull();
  });

  it('a finding is named by its file, its asset or its user, and by its subject only when it carries nothing better', () => {
    const base = { subject: 'file:row-12', userEmail: null, details: null };
    expect(findingLabel({ ...base, details: { fileName: 'Q3 report.pdf', fileRowId: 'row-12' } })).toBe('“Q3 report.pdf”');
    expect(findingLabel({ ...base, subject: 'asset:v1', details: { asset: { publicId: 'root/users/a/videos/v1', title: 'Launch' } } })).toBe('“Launch”');
    expect(findingLabel({ ...base, subject: 'row:4', details: { publicId: 'root/users/a/clips/c1', rowId: '4' } })).toBe('“root/users/a/clips/c1”');
    expect(findingLabel({ ...base, subject: 'user:ada@example.com', userEmail: 'ada@example.com', details: {} })).toBe('ada@example.com');
    expect(findingLabel({ ...base, details: { fileName: '  ' } })).toBe('file:row-12');
  });
});
