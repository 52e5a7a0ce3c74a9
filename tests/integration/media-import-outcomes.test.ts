import { afterEach, describe, expect, it } from 'vitest';
import { clip, openMediaWorld, video, type MediaWorld } from './media-import.setup';

/**
 * Honest outcomes (DESIGN §4.6): a media-import repair in which the product
 * database refuses some rows ends `partial`, with itemsFailed and the rows
 * named; the other rows of the same batch still go in; all good is `succeeded`.
 */
let world: MediaWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const open = async (w: MediaWorld) => (await w.app.store.findings.open('media-import')).filter((f) => f.kind === 'missing-in-db');

describe('media-import: honest outcomes', () => {
  it('a repair where the database refuses one row ends partial, itemsFailed 1, naming it; the rest of its batch is imported', async () => {
    world = await openMediaWorld([video('ada@example.com', 'intro'), video('ada@example.com', 'tour'), video('ada@example.com', 'outro'), clip('ada@example.com', 'tour--teaser')]);
    // The product's own rule refuses one row (a trigger here; a CHECK or a NOT NULL column of its own alike).
    await world.exec("CREATE TRIGGER refuse_tour BEFORE INSERT ON videos WHEN NEW.public_id = 'tour' BEGIN SELECT RAISE(ABORT, 'videos: tour is blocked by the product'); END");
    expect((await world.run({})).state).toBe('succeeded');
    expect(await open(world)).toHaveLength(4);

    const repair = await world.run({ mode: 'repair', all: true });
    expect(repair.state).toBe('partial');
    expect(repair.result).toMatchObject({ inserted: 3, refused: 1, itemsFailed: 1, failedItems: [{ item: 'asset:tour', reason: expect.stringMatching(/refused the video row of "tour".*blocked by the product/) }] });
    expect((await world.rows<{ public_id: string }>('SELECT public_id FROM videos ORDER BY public_id')).map((r) => r.public_id)).toEqual(['intro', 'outro']);
    // The refused row's finding stays open for the next repair; the clip went in without its parent.
    expect((await open(world)).map((f) => f.subject)).toEqual(['asset:tour']);
    expect(await world.rows('SELECT public_id, video_id FROM clips')).toEqual([{ public_id: 'tour--teaser', video_id: null }]);

    await world.exec('DROP TRIGGER refuse_tour');
    const retried = await world.run({ mode: 'repair', all: true });
    expect(retried.state).toBe('succeeded');
    expect(retried.result).toMatchObject({ inserted: 1, itemsFailed: 0 });
    expect(retried.result).not.toHaveProperty('failedItems');
    expect(await open(world)).toEqual([]);
  });

  it('a row a trigger silently drops (RAISE(IGNORE)) is a failed item, not "already present": partial, its finding stays open', async () => {
    world = await openMediaWorld([video('ada@example.com', 'intro'), video('ada@example.com', 'tour')]);
    // The product's rule drops the row without an error: the insert reports fewer changes, as ON CONFLICT would.
    await world.exec("CREATE TRIGGER drop_tour BEFORE INSERT ON videos WHEN NEW.public_id = 'tour' BEGIN SELECT RAISE(IGNORE); END");
    expect((await world.run({})).state).toBe('succeeded');

    const repair = await world.run({ mode: 'repair', all: true });
    expect((await world.rows<{ public_id: string }>('SELECT public_id FROM videos ORDER BY public_id')).map((r) => r.public_id)).toEqual(['intro']);
    expect(repair.state).toBe('partial');
    expect(repair.result).toMatchObject({ inserted: 1, alreadyPresent: 0, itemsFailed: 1, failedItems: [{ item: 'asset:tour', reason: expect.stringMatching(/not in the table/) }] });
    expect((await open(world)).map((f) => f.subject)).toEqual(['asset:tour']);
  });
});
