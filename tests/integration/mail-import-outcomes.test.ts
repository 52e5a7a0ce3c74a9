import { afterEach, describe, expect, it } from 'vitest';
import { inbox, openMailWorld, type MailWorld } from './mail-import.setup';

/**
 * Honest outcomes (DESIGN §4.6) when the product database does not keep what
 * the import wrote without saying so: a message a product rule drops is not
 * "skipped", its user's cursor does not move past it, and the run is `partial`.
 */
let world: MailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('mail-import: honest outcomes', () => {
  it('a message a trigger silently drops (RAISE(IGNORE)) fails its user: partial, no cursor, and the next run imports it', async () => {
    world = await openMailWorld([
      { id: 'ada', messages: inbox('ada', 2) },
      { id: 'grace', messages: inbox('grace', 3) },
    ]);
    await world.db.execute("CREATE TRIGGER drop_grace_1 BEFORE INSERT ON emails WHEN NEW.gmail_message_id = 'grace-1' BEGIN SELECT RAISE(IGNORE); END");

    const run = await world.run();
    expect((await world.emails('u-grace')).map((e) => e.gmail_message_id)).toEqual(['grace-0', 'grace-2']);
    expect(run.state).toBe('partial');
    expect(run.result).toMatchObject({ outcomes: { imported: 1, failed: 1 }, itemsFailed: 1, failedItems: [{ item: 'grace@example.com', reason: expect.stringMatching(/grace-1/) }] });
    // The cursor stays where it was: a history delta from a cursor past grace-1 would never read it again.
    expect(await world.settings('u-grace')).toMatchObject({ history_id: null });
    expect(await world.settings('u-ada')).toMatchObject({ history_id: '1000' });

    await world.db.execute('DROP TRIGGER drop_grace_1');
    const next = await world.run();
    expect(next).toMatchObject({ state: 'succeeded', result: { imported: 1, itemsFailed: 0 } });
    expect(await world.emails('u-grace')).toHaveLength(3);
  });
});
