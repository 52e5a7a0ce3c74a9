import { afterEach, describe, expect, it } from 'vitest';
import { inbox, mail, openMailWorld, type MailWorld } from './mail-import.setup';

/**
 * Attack s26d (issue 14: "cursors advanced past unimported mail"). A history pass asks only for `messageAdded`
 * records (mail-passes.ts historyPass) and skips a message that is in SPAM or TRASH when it is read
 * (mail-model.ts isImportable), then stores the cursor past it (mail-user-import.ts saveCursor). When the user
 * later marks it "Not spam" or takes it out of the trash, Gmail records label changes (labelRemoved/labelAdded,
 * api-facts §4: history types messageAdded|messageDeleted|labelAdded|labelRemoved), never a second messageAdded:
 * no later delta ever lists it again, and a full pass only runs when the cursor expires. The inbox message is
 * never imported.
 *
 * The user's move is the emulator's `modifyLabels`: Gmail's labelRemoved (and labelAdded) history records, no
 * second messageAdded. Fixed: a history pass also asks for labelRemoved and reads again a message taken out of
 * spam or trash (mail-passes.ts, mail-model.ts wasUnhidden).
 */
let world: MailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('attack s26d: mail-import cursor past a message skipped as spam or trash', () => {
  it.each([
    ['SPAM', 'marked "Not spam"'],
    ['TRASH', 'taken out of the trash'],
  ])('a message received into %s and then %s is imported by a later run', async (label) => {
    world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 3) }]);
    const first = await world.run();
    expect(first.state).toBe('succeeded');
    expect(await world.emails('u-ada')).toHaveLength(3);

    world.emulator.addMessage('ada', mail('ada-filtered', 0.1, { labelIds: [label] }));
    world.emulator.addMessage('ada', mail('ada-plain', 0.05));
    const second = await world.run();
    expect(second.state).toBe('succeeded');
    // Correctly skipped while it is spam/trash.
    expect((await world.emails('u-ada')).map((e) => e.gmail_message_id)).not.toContain('ada-filtered');

    // The user moves it to the inbox: Gmail records only label changes.
    world.emulator.modifyLabels('ada', 'ada-filtered', { add: ['INBOX'], remove: [label] });
    const third = await world.run();
    const fourth = await world.run();
    expect([third.state, fourth.state]).toEqual(['succeeded', 'succeeded']);
    expect((await world.emails('u-ada')).map((e) => e.gmail_message_id)).toContain('ada-filtered');
  });
});
