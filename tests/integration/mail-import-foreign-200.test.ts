import { afterEach, describe, expect, it } from 'vitest';
import { foreignFault, type ForeignAnswer } from '../emulators/shared/faults';
import { inbox, openMailWorld, type MailWorld } from './mail-import.setup';

/**
 * A gateway or captive portal answering 200 with its own body instead of
 * Gmail's (DESIGN §4.1): a listing page that is not Gmail's is not an empty
 * mailbox (the cursor would move past mail never imported), and a message
 * that is not Gmail's is not a message (a junk row would block the real one
 * for ever, since known ids are never fetched again).
 */
let world: MailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const FOREIGN: ForeignAnswer[] = ['html', 'empty', 'json'];

describe('mail-import: a foreign 200 is never Gmail speaking', () => {
  for (const kind of FOREIGN) {
    it(`a ${kind} 200 on messages.list stores no cursor; the next run imports the window`, async () => {
      world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 3) }]);
      world.emulator.fault('gmail.messages.list', foreignFault(kind, 200));
      const run = await world.run();
      expect(run.result).toMatchObject({ imported: 0, outcomes: { failed: 1 } });
      expect((await world.settings('u-ada'))?.history_id ?? null).toBeNull();
      world.emulator.clearFaults();
      await world.run();
      expect((await world.emails('u-ada')).map((e) => e.gmail_message_id)).toEqual(['ada-0', 'ada-1', 'ada-2']);
    });

    it(`a ${kind} 200 on messages.get inserts no junk row; the next run imports the real message`, async () => {
      world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 2) }]);
      world.emulator.fault('gmail.messages.get', foreignFault(kind, 200, { times: 1 }));
      await world.run();
      world.emulator.clearFaults();
      await world.run();
      const emails = await world.emails('u-ada');
      expect(emails.map((e) => [e.gmail_message_id, e.subject])).toEqual([
        ['ada-0', 'Subject ada-0'],
        ['ada-1', 'Subject ada-1'],
      ]);
    });
  }

  it('a messages.list that repeats its page token ends (the user fails), it does not loop for ever', async () => {
    world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 2) }]);
    world.emulator.fault('gmail.messages.list', { status: 200, body: { messages: [], resultSizeEstimate: 0, nextPageToken: 'again' } });
    const run = await world.run();
    expect(run.result).toMatchObject({ imported: 0, outcomes: { failed: 1 } });
    expect(world.emulator.count('gmail.messages.list')).toBeLessThan(5);
    expect((await world.settings('u-ada'))?.history_id ?? null).toBeNull();
  }, 20_000);
});
