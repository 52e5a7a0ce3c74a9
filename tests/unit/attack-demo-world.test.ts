import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_WORLD_FILE, dropboxSeed, googleRefreshToken, googleSeed, revokedRefreshTokens } from '../../scripts/demo/demo-seeds';
import { parseWorld, WorldFileError, type World } from '../../scripts/demo/world-schema';
import { toSheet } from '../emulators/google/seed-records';
import { REPO_ROOT } from '../helpers/paths';

type Loose = Record<string, unknown>;
const defaultWorld = () => JSON.parse(readFileSync(join(REPO_ROOT, DEMO_WORLD_FILE), 'utf8')) as Loose & { users: Loose[] };
const user = (email: string, id: string, extra: Loose = {}) => ({ id, email, name: email, createdAt: '2025-01-01T00:00:00.000Z', storage: ['google', 'dropbox'], ...extra });

function problemsOf(value: unknown): string[] {
  try {
    parseWorld(value, 'w.json');
  } catch (error) {
    if (error instanceof WorldFileError) return error.problems;
    throw error;
  }
  return [];
}

describe('attack: hostile demo worlds', () => {
  it('two users with the same name before @ get their own emulator accounts and refresh tokens', () => {
    const world: World = parseWorld({ version: 1, users: [user('ada@one.example', 'u1', { revokedGrants: ['google'] }), user('ada@two.example', 'u2'), user('bob@one.example', 'u3')] }, 'w.json');
    const google = googleSeed(world).accounts;
    expect(new Set(google.map((a) => a.id)).size).toBe(3);
    expect(new Set(google.flatMap((a) => a.refreshTokens)).size).toBe(3);
    expect(google.find((a) => a.email === 'bob@one.example')?.id).toBe('bob'); // unique names stay as documented
    const dropbox = dropboxSeed(world).accounts;
    expect(new Set(dropbox.flatMap((a) => a.refreshTokens)).size).toBe(3);
    // The product DB's token for a user is the one its own emulator account accepts, and revoking one user's grant revokes only theirs.
    const u2 = world.users[1]!;
    expect(google.find((a) => a.email === u2.email)?.refreshTokens).toEqual([googleRefreshToken(world, u2)]);
    expect(revokedRefreshTokens(world).google).toEqual([googleRefreshToken(world, world.users[0]!)]);
    expect(revokedRefreshTokens(world).google).not.toContain(googleRefreshToken(world, u2));
  });

  it('refuses what an emulator or the product DB cannot hold instead of crashing or keeping only the last', () => {
    const base = { version: 1, users: [user('ada@x.example', 'u1'), user('bob@x.example', 'u2')] };
    const file = (provider: string, id: string, extra: Loose = {}) => ({ user: 'ada@x.example', id, name: `${provider}-${id}.pdf`, size: 1, ...extra });
    expect(problemsOf({ ...base, files: { google: [file('g', 'abc')], dropbox: [file('d', 'id:abc')] } })).toEqual([expect.stringMatching(/^files\.dropbox\[0\]\.id: files row file-abc is listed twice/)]);
    expect(problemsOf({ ...base, files: { dropbox: [file('d', 'id:1', { name: 'a.pdf' }), file('d', 'id:2', { name: 'A.PDF' })] } })).toEqual([expect.stringMatching(/^files\.dropbox\[1\]\.name: /)]);
    const sheet = { owner: 'ada@x.example', id: 's1', title: 'S', tabs: [{ title: 'T', rows: [['a']] }] };
    expect(problemsOf({ ...base, sheets: [sheet, sheet] })).toEqual([expect.stringMatching(/^sheets\[1\]\.id: s1 is listed twice/)]);
    expect(problemsOf({ ...base, sheets: [{ ...sheet, tabs: [sheet.tabs[0], sheet.tabs[0]] }] })).toEqual([expect.stringMatching(/^sheets\[0\]\.tabs\[1\]\.title: /)]);
    const message = { id: 'm1', internalDate: 1, headers: {} };
    expect(problemsOf({ ...base, mail: [{ user: 'ada@x.example', historyId: 1, messages: [message] }, { user: 'ada@x.example', historyId: 2, messages: [] }] })).toEqual([expect.stringMatching(/^mail\[1\]\.user: /)]);
    expect(problemsOf({ ...base, mail: [{ user: 'ada@x.example', historyId: 1, messages: [message, message] }] })).toEqual([expect.stringMatching(/^mail\[0\]\.messages\[1\]\.id: /)]);
    const stranger = { id: 'u9', email: 'BOB@x.example', name: 'B', createdAt: '2025-01-01T00:00:00.000Z' };
    expect(problemsOf({ ...base, authOnlyUsers: [stranger] })).toEqual([expect.stringMatching(/^authOnlyUsers\[0\]\.email: /)]);
    expect(problemsOf({ ...base, authOnlyUsers: [{ ...stranger, id: 'u1', email: 'cy@x.example' }] })).toEqual([expect.stringMatching(/^authOnlyUsers\[0\]\.id: /)]);
  });

  it('a generated cell cannot divide by zero (every cell "NaN")', () => {
    const tab = { title: 'T', rows: [['n']], generated: { count: 3, cells: ['{n%0}'] } };
    const world = { version: 1, users: [user('ada@x.example', 'u1')], sheets: [{ owner: 'ada@x.example', id: 's1', title: 'S', tabs: [tab] }] };
    expect(problemsOf(world)).toEqual([expect.stringMatching(/^sheets\[0\]\.tabs\[0\]\.generated\.cells\[0\]: .*at least 1/)]);
    expect(toSheet({ title: 'T', rows: [], generated: { count: 1, cells: ['{n%3+1}'] } }, 0).generated?.row(1)).toEqual(['2']);
  });

  it('the default world still parses', () => {
    expect(problemsOf(defaultWorld())).toEqual([]);
  });
});

describe('attack: world faults an emulator cannot send', () => {
  const withFault = (fault: Loose) => ({ version: 1, users: [user('ada@x.example', 'u1')], faults: [{ service: 'google', route: '*', ...fault }] });
  it('a 1xx status (the client hung or failed to connect) and headers Node refuses (the emulator answered 500 "crashed") are refused', () => {
    expect(problemsOf(withFault({ status: 199 }))).toEqual([expect.stringMatching(/^faults\[0\]\.status: a final HTTP status/)]);
    expect(problemsOf(withFault({ status: 500, headers: { 'Bad Name': 'x' } }))).toEqual([expect.stringMatching(/^faults\[0\]\.headers\.Bad Name: /)]);
    expect(problemsOf(withFault({ status: 500, headers: { 'X-A': 'a\r\nSet-Cookie: b' } }))).toEqual([expect.stringMatching(/^faults\[0\]\.headers\.X-A: an HTTP header value/)]);
    expect(problemsOf(withFault({ status: 503, headers: { 'Retry-After': '2', 'Content-Type': 'text/html; charset=UTF-8' } }))).toEqual([]);
  });
});

describe('attack: Dropbox paths no Dropbox can hold', () => {
  const withFiles = (files: Loose[]) => ({ version: 1, users: [user('ada@x.example', 'u1')], files: { dropbox: files.map((f, i) => ({ user: 'ada@x.example', id: `id:${i}`, name: `f${i}`, size: 1, ...f })) } });
  it('refuses empty, "." and ".." segments, a trailing "/", and a file where a folder is', () => {
    for (const path of ['/Apps/Product/', '/a//b.pdf', '/a/../b.pdf', '/./b.pdf']) expect(problemsOf(withFiles([{ path }])), path).toEqual([expect.stringMatching(/^files\.dropbox\[0\]\.path: /)]);
    expect(problemsOf(withFiles([{ path: '/X' }, { path: '/x/y.pdf' }]))).toEqual([expect.stringMatching(/^files\.dropbox\[0\]\.path: \/X is a folder/)]);
    expect(problemsOf(withFiles([{ path: '/Apps/Product' }]))).toEqual([expect.stringMatching(/^files\.dropbox\[0\]\.path: /)]);
    expect(problemsOf(withFiles([{ path: '/Photos/a.jpg' }, { path: '/Photos/b.jpg' }, {}]))).toEqual([]);
  });
});
