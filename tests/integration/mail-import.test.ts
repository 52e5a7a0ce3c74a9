import { afterEach, describe, expect, it } from 'vitest';
import { rateLimitBody } from '../emulators/google/test-support';
import { HOUR, inbox, mail, openMailWorld, type MailWorld } from './mail-import.setup';

/** The mail-import engine with the real googleapis Gmail client against the Google emulator, into a SQLite product DB. */
let world: MailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const gmailCounts = (w: MailWorld) => {
  const c = w.emulator.counts();
  return { list: c['gmail.messages.list'] ?? 0, get: c['gmail.messages.get'] ?? 0, history: c['gmail.history.list'] ?? 0, profile: c['gmail.profile.get'] ?? 0 };
};

/** Ada: 620 messages in the 30-day window and 2 older ones; Grace: 3. */
async function twoUsers(): Promise<MailWorld> {
  return openMailWorld([
    { id: 'ada', messages: [...inbox('ada', 620), mail('ada-old-1', 31 * 24), mail('ada-old-2', 90 * 24)] },
    { id: 'grace', messages: inbox('grace', 3) },
  ]);
}

describe('mail-import engine against the Gmail emulator (real googleapis)', () => {
  it('first pass: lists the window in pages of 500 and imports every message with its metadata', async () => {
    world = await twoUsers();
    const run = await world.run();
    expect(run.state, JSON.stringify(run.error)).toBe('succeeded');
    expect(run.result).toMatchObject({ users: 2, imported: 623, skipped: 0, passes: { full: 2, history: 0, fallback: 0 }, outcomes: { imported: 2 }, needsReconnect: [] });

    // ceil(620 / 500) = 2 list calls for Ada, 1 for Grace; one get per message; the cursor from one profile read each.
    expect(gmailCounts(world)).toEqual({ list: 3, get: 623, history: 0, profile: 2 });
    expect(world.emulator.count('oauth.token')).toBe(2);
    expect(run.apiCalls).toEqual({ gmail: 3 + 623 + 2 + 2 });

    const ada = await world.emails('u-ada');
    expect(ada).toHaveLength(620);
    expect(ada.map((e) => e.gmail_message_id)).not.toContain('ada-old-1');
    const first = ada.find((e) => e.gmail_message_id === 'ada-0');
    expect(first).toMatchObject({ subject: 'Subject ada-0', from_address: 'Sender <sender-ada-0@vendor.test>', thread_id: 'ada-0', snippet: 'snippet of ada-0' });
    expect(Date.now() - Date.parse(String(first?.received_at))).toBeGreaterThan(HOUR - 60_000);
    expect(await world.settings('u-ada')).toMatchObject({ history_id: '1000' });
    expect((await world.settings('u-ada'))?.last_import_at).toBeTruthy();
  });

  it('a later run reads a history delta of 3 new messages with one history call per user and no listing', async () => {
    world = await twoUsers();
    await world.run();
    world.emulator.addMessage('ada', mail('ada-new-1', 0.2));
    world.emulator.addMessage('ada', mail('ada-new-2', 0.1));
    // Received and deleted before the run: history still has its messageAdded record, the read answers 404.
    world.emulator.addMessage('ada', mail('ada-ephemeral', 0.15));
    world.emulator.deleteMessage('ada', 'ada-ephemeral');
    const last = world.emulator.addMessage('ada', mail('ada-new-3', 0));
    world.emulator.resetCounts();

    const run = await world.run();
    expect(run.state).toBe('succeeded');
    expect(run.result).toMatchObject({ imported: 3, skipped: 0, gone: 1, passes: { history: 2, full: 0, fallback: 0 } });
    expect(gmailCounts(world)).toEqual({ list: 0, get: 4, history: 2, profile: 0 });
    expect((await world.emails('u-ada')).filter((e) => e.gmail_message_id.startsWith('ada-new'))).toHaveLength(3);
    expect(await world.settings('u-ada')).toMatchObject({ history_id: last });
    expect(await world.settings('u-grace')).toMatchObject({ history_id: '1000' });
  });

  it('a re-run with nothing new inserts nothing and reads no message', async () => {
    world = await twoUsers();
    await world.run();
    world.emulator.resetCounts();
    const run = await world.run();
    expect(run.result).toMatchObject({ imported: 0, skipped: 0, users: 2, outcomes: { imported: 2 } });
    expect(gmailCounts(world)).toEqual({ list: 0, get: 0, history: 2, profile: 0 });
    expect(await world.emails('u-ada')).toHaveLength(620);
    const [{ n }] = (await world.db.query<{ n: number }>('SELECT count(*) AS n FROM emails')) as [{ n: number }];
    expect(Number(n)).toBe(623);
  });

  it('an expired historyId (404) falls back to a windowed pass that fetches only messages not yet imported', async () => {
    world = await twoUsers();
    await world.run();
    world.emulator.addMessage('ada', mail('ada-late-1', 0.5));
    world.emulator.addMessage('ada', mail('ada-late-2', 0.4));
    world.emulator.expireHistory('ada');
    world.emulator.resetCounts();

    const run = await world.run();
    expect(run.state).toBe('succeeded');
    const adaReport = (run.result?.perUser as { userId: string }[]).find((r) => r.userId === 'u-ada');
    expect(adaReport).toMatchObject({ outcome: 'imported', pass: 'fallback', imported: 2, skipped: 620 });
    // Ada: the refused history call, one profile read, 2 list pages, 2 gets; Grace: one history call.
    expect(gmailCounts(world)).toEqual({ list: 2, get: 2, history: 2, profile: 1 });
    expect(await world.emails('u-ada')).toHaveLength(622);
    expect(await world.settings('u-ada')).toMatchObject({ history_id: '1002' });

    // The fresh cursor works: the next run is a delta again.
    world.emulator.resetCounts();
    expect((await world.run()).result).toMatchObject({ imported: 0, passes: { history: 2 } });
  });

  it('a revoked grant marks that user needs-reconnect while the other user still imports', async () => {
    world = await twoUsers();
    world.emulator.revokeRefreshToken('1//refresh-grace');
    const run = await world.run();
    // Refused in this run: a failed item (DESIGN §4.6), named.
    expect(run.state).toBe('partial');
    expect(run.result).toMatchObject({ itemsFailed: 1, failedItems: [{ item: 'grace@example.com', reason: expect.stringMatching(/must reconnect Google/) }] });
    expect(run.result).toMatchObject({
      imported: 620,
      outcomes: { imported: 1, 'needs-reconnect': 1 },
      needsReconnect: [{ userId: 'u-grace', email: 'grace@example.com', provider: 'google' }],
    });
    expect(await world.needsReconnect('u-grace')).toBe(true);
    expect(await world.needsReconnect('u-ada')).toBe(false);
    expect(await world.emails('u-grace')).toHaveLength(0);
    // No cursor for Grace: once reconnected, her first run is a full pass.
    expect(await world.settings('u-grace')).toMatchObject({ history_id: null });
    // Refused again while already flagged: old news, not a failure of the next run.
    const again = await world.run();
    expect(again).toMatchObject({ state: 'succeeded', result: { itemsFailed: 0, outcomes: { 'needs-reconnect': 1 } } });
  });

  it('a 429 storm waits (Retry-After) and resumes: the run completes with every message, the refused calls counted', async () => {
    world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 40) }, { id: 'grace', messages: inbox('grace', 30) }]);
    world.emulator.fault('gmail.messages.get', { status: 429, body: rateLimitBody(), headers: { 'Retry-After': '1' }, times: 12 });
    world.emulator.fault('gmail.messages.list', { status: 403, body: rateLimitBody('userRateLimitExceeded', 403), times: 1 });
    const run = await world.run();
    expect(run.state).toBe('succeeded');
    expect(run.result).toMatchObject({ imported: 70, outcomes: { imported: 2, failed: 0 } });
    expect(gmailCounts(world)).toMatchObject({ get: 70 + 12, list: 2 + 1 });
    expect(run.apiCalls.gmail).toBe(70 + 12 + 3 + 2 + 2);
  });

  it('a user whose quota is spent for longer than the policy waits fails alone; the run ends partial naming her, and the next run retries', async () => {
    world = await twoUsers();
    await world.run({ user: 'u-grace' });
    // Ada's first pass starts with a profile read (Grace, with a cursor, reads history): Gmail asks for two minutes.
    world.emulator.fault('gmail.profile.get', { status: 429, body: rateLimitBody('userRateLimitExceeded'), headers: { 'Retry-After': '120' }, times: 1 });
    world.emulator.addMessage('grace', mail('grace-new', 0));
    world.emulator.resetCounts();
    const run = await world.run();
    expect(run.state).toBe('partial');
    expect(run.result).toMatchObject({ imported: 1, outcomes: { imported: 1, failed: 1 }, needsReconnect: [], itemsFailed: 1, failedItems: [{ item: 'ada@example.com', reason: expect.stringMatching(/Rate Limit Exceeded/) }] });
    const ada = (run.result?.perUser as { userId: string; outcome: string; message?: string }[]).find((r) => r.userId === 'u-ada');
    expect(ada?.outcome).toBe('failed');
    expect(ada?.message).toMatch(/Rate Limit Exceeded/);
    // Refused at once: a wait longer than the policy's 60 s cap is not retried.
    expect(world.emulator.count('gmail.profile.get')).toBe(1);
    expect(await world.settings('u-ada')).toMatchObject({ history_id: null });

    const next = await world.run();
    expect(next).toMatchObject({ state: 'succeeded', result: { imported: 620, outcomes: { imported: 2 }, itemsFailed: 0 } });
  });

  it('two overlapping imports of the same user never insert a message twice (ON CONFLICT DO NOTHING)', async () => {
    world = await twoUsers();
    // Different scopes, so both run at once and race on Ada's rows.
    const [all, one] = await Promise.all([world.run(), world.run({ user: 'u-ada' })]);
    expect([all.state, one.state]).toEqual(['succeeded', 'succeeded']);
    expect(all.result).toMatchObject({ outcomes: { imported: 2, failed: 0 } });
    expect(one.result).toMatchObject({ outcomes: { imported: 1, failed: 0 } });
    const adaImported = (r: typeof all) => (r.result?.perUser as { userId: string; imported: number }[]).find((u) => u.userId === 'u-ada')?.imported ?? 0;
    expect(adaImported(all) + adaImported(one)).toBe(620);
    expect(await world.emails('u-ada')).toHaveLength(620);
  });

  it('imports only users whose mail import is enabled; one user on request; a user without Google is reported', async () => {
    world = await openMailWorld([
      { id: 'ada', messages: inbox('ada', 2) },
      { id: 'off', messages: inbox('off', 2), enabled: false },
      { id: 'nogoogle', messages: [], noAccount: true },
    ]);
    const all = await world.run();
    expect(all.scope).toBe('all');
    expect(all.result).toMatchObject({ users: 2, imported: 2, outcomes: { imported: 1, 'no-account': 1 } });
    expect(await world.emails('u-off')).toHaveLength(0);

    const one = await world.run({ user: 'u-off', windowDays: 1 });
    expect(one).toMatchObject({ state: 'succeeded', scope: 'user:u-off', result: { users: 1, imported: 2 } });
    const missing = await world.run({ user: 'u-nobody' });
    expect(missing.state).toBe('failed');
    expect(missing.error?.message).toContain('u-nobody');
  });

  it('a scheduled import (console schedule of one user or of all) skips a user whose own import is off and says so; an admin\'s manual import of her still runs', async () => {
    world = await openMailWorld([
      { id: 'ada', messages: inbox('ada', 2) },
      { id: 'off', messages: inbox('off', 2), enabled: false },
    ]);
    const app = world.app;
    const scheduled = async (params: Record<string, unknown>) => (await app.runs.waitFor((await app.runs.start('mail-import', { mode: 'import', ...params }, 'schedule')).runId))!;
    const one = await scheduled({ user: 'u-off' });
    expect(one.state).toBe('succeeded');
    expect(one.result).toMatchObject({ users: 0, imported: 0, disabled: 1, disabledUsers: [{ userId: 'u-off', email: 'off@example.com' }] });
    expect(await world.emails('u-off')).toHaveLength(0);
    expect((await world.settings('u-off'))?.history_id ?? null).toBeNull();

    const all = await scheduled({});
    expect(all.result).toMatchObject({ users: 1, imported: 2 });
    expect(await world.emails('u-off')).toHaveLength(0);

    const manual = await world.run({ user: 'u-off' });
    expect(manual.result).toMatchObject({ users: 1, imported: 2, disabled: 0 });
  });

  it('the window bounds the first pass (windowDays)', async () => {
    world = await openMailWorld([{ id: 'ada', messages: [mail('recent', 2), mail('three-days', 3 * 24 + 1), mail('old', 20 * 24)] }]);
    const run = await world.run({ windowDays: 2 });
    expect(run.result).toMatchObject({ imported: 1 });
    expect((await world.emails('u-ada')).map((e) => e.gmail_message_id)).toEqual(['recent']);
  });
});
