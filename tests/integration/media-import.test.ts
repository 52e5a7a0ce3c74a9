import { afterEach, describe, expect, it } from 'vitest';
import { bulkVideos } from '../emulators/cloudinary/fixtures';
import { CLOUD, clip, failingProxy, openMediaWorld, video, type MediaWorld } from './media-import.setup';

let world: MediaWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const open = async (w: MediaWorld, kind?: string) => (await w.app.store.findings.open('media-import')).filter((f) => kind === undefined || f.kind === kind);

describe('media-import engine against the Cloudinary emulator (real SDK)', () => {
  it('imports missing videos and clips with SDK thumbnails and parent links (context, then naming rule)', async () => {
    world = await openMediaWorld(
      [
        video('ada@example.com', 'intro', { createdAt: '2025-03-01T10:00:00Z', duration: 61.5, bytes: 1000 }),
        video('ada@example.com', 'tour', { createdAt: '2025-03-02T10:00:00Z', duration: 90, bytes: 2000, context: { title: 'Product tour' } }),
        clip('ada@example.com', 'tour-highlight', { createdAt: '2025-03-03T10:00:00Z', context: { parent_video: 'tour' } }),
        clip('ada@example.com', 'intro--teaser', { createdAt: '2025-03-04T10:00:00Z' }),
        clip('ada@example.com', 'orphan-clip', { createdAt: '2025-03-05T10:00:00Z' }),
      ],
      [{ table: 'videos', publicId: 'intro', bytes: 1000 }],
    );
    const check = await world.run({});
    expect(check).toMatchObject({ state: 'succeeded', result: { complete: true, assets: 5, byKind: { 'missing-in-db': 4 } } });
    expect(world.emulator.count('cloudinary.search')).toBe(1);

    const repair = await world.run({ mode: 'repair', all: true });
    expect(repair).toMatchObject({ state: 'succeeded', result: { inserted: 4, unlinkedClips: 1 } });
    const videos = await world.rows<{ public_id: string; title: string; thumbnail_url: string; duration_seconds: number; user_id: string; secure_url: string; created_at: string }>('SELECT * FROM videos ORDER BY public_id');
    const tour = videos.find((v) => v.public_id === 'tour');
    expect(tour).toMatchObject({ title: 'Product tour', duration_seconds: 90, user_id: 'u-ada', created_at: '2025-03-02T10:00:00Z' });
    expect(tour?.secure_url).toMatch(/^https:\/\/res\.cloudinary\.com\/media-test\/video\/upload\/v\d+\/tour\.mp4$/);
    const version = Math.floor(Date.parse('2025-03-02T10:00:00Z') / 1000);
    expect(tour?.thumbnail_url).toBe(`https://res.cloudinary.com/${CLOUD.cloudName}/video/upload/so_auto/v${version}/tour.jpg`);
    const tourId = (await world.rows<{ id: string }>("SELECT id FROM videos WHERE public_id = 'tour'"))[0]?.id;
    const clips = await world.rows<{ public_id: string; video_id: string | null }>('SELECT public_id, video_id FROM clips ORDER BY public_id');
    expect(clips).toEqual([
      { public_id: 'intro--teaser', video_id: 'row-intro' },
      { public_id: 'orphan-clip', video_id: null },
      { public_id: 'tour-highlight', video_id: tourId },
    ]);
    expect((await open(world, 'unlinked-clip')).map((f) => f.subject)).toEqual(['asset:orphan-clip']);
    expect(await open(world, 'missing-in-db')).toHaveLength(0);
  });

  it('lists more than 500 assets across several cursor pages, at the floor of search calls', async () => {
    world = await openMediaWorld(bulkVideos(1_234, 'grace@example.com'));
    const check = await world.run({ user: 'grace@example.com' });
    expect(check).toMatchObject({ state: 'succeeded', scope: 'user:grace@example.com', result: { complete: true, assets: 1_234 } });
    expect(world.emulator.count('cloudinary.search')).toBe(Math.ceil(1_234 / 500));
    expect(check.apiCalls).toEqual({ cloudinary: 3 });
    expect(await open(world, 'missing-in-db')).toHaveLength(1_234);
    expect(new Set((await open(world)).map((f) => f.subject)).size).toBe(1_234);
  });

  it('reports an asset whose folder email matches no user and never imports it; reports rows whose asset is gone', async () => {
    world = await openMediaWorld([video('nobody@example.com', 'stray'), video('ada@example.com', 'kept')], [
      { table: 'videos', publicId: 'kept' },
      { table: 'clips', publicId: 'vanished-clip', userId: 'u-grace' },
    ]);
    await world.run({});
    expect((await open(world)).map((f) => [f.kind, f.subject, f.userEmail]).sort()).toEqual([
      ['missing-in-cloudinary', 'asset:vanished-clip', 'grace@example.com'],
      ['unknown-owner', 'asset:stray', 'nobody@example.com'],
    ]);
    const repair = await world.run({ mode: 'repair', all: true });
    expect(repair.result).toMatchObject({ inserted: 0, skipped: 2 });
    expect(await world.rows('SELECT * FROM videos WHERE public_id = ?', ['stray'])).toHaveLength(0);
    expect(await world.rows('SELECT * FROM clips')).toHaveLength(1);
  });

  it('stops cleanly when its budget share is spent, keeps earlier findings, and the next run resumes from the cursor', async () => {
    world = await openMediaWorld(bulkVideos(1_200, 'ada@example.com'));
    await world.run({});
    const earlier = (await open(world)).length;
    expect(earlier).toBe(1_200);

    world.emulator.resetCounts();
    world.emulator.setRemainingBudget(CLOUD.cloudName, 2);
    const stopped = await world.run({ budgetShare: 1 });
    expect(stopped).toMatchObject({ state: 'succeeded', result: { complete: false, stoppedBy: 'budget', assetsListed: 1_000 } });
    expect(world.emulator.count('cloudinary.search')).toBe(2);
    // A partial listing supersedes nothing: the findings of the last complete check stay open.
    expect(await open(world)).toHaveLength(earlier);

    // Still spent: the stored budget says so, and no request is sent at all.
    const idle = await world.run({ budgetShare: 1 });
    expect(idle.result).toMatchObject({ complete: false, stoppedBy: 'budget', resumed: true });
    expect(world.emulator.count('cloudinary.search')).toBe(2);

    await world.app.store.engineState.delete('media-import', 'budget');
    world.emulator.setRemainingBudget(CLOUD.cloudName, 500);
    const resumed = await world.run({ budgetShare: 0.5 });
    expect(resumed).toMatchObject({ state: 'succeeded', result: { complete: true, resumed: true, assets: 1_200 } });
    expect(world.emulator.count('cloudinary.search')).toBe(3);
    expect(await open(world)).toHaveLength(1_200);
    expect(new Set((await open(world)).map((f) => f.runId))).toEqual(new Set([resumed.id]));
  });

  it('a repeated repair inserts nothing: the public id is a unique key', async () => {
    world = await openMediaWorld([video('ada@example.com', 'a'), video('grace@example.com', 'b'), clip('grace@example.com', 'b--c')]);
    await world.run({});
    const first = await world.run({ mode: 'repair', all: true });
    expect(first.result).toMatchObject({ inserted: 3 });
    // As after a crash between the commit and the status update: the same findings are open again.
    const ids = (await world.app.store.findings.list({ engine: 'media-import', sort: 'createdAt', direction: 'asc', limit: 10, offset: 0 })).items.map((f) => f.id);
    await world.app.store.findings.setStatus(ids, 'open', new Date().toISOString());
    const again = await world.run({ mode: 'repair', all: true });
    expect(again.result).toMatchObject({ inserted: 0, alreadyPresent: 3 });
    expect(await world.rows('SELECT * FROM videos')).toHaveLength(2);
    expect(await world.rows('SELECT * FROM clips')).toHaveLength(1);
    const recheck = await world.run({});
    expect(recheck.result).toMatchObject({ complete: true, byKind: {} });
  });

  it('a 5xx in the middle of a scan fails the run and never turns the partial listing into findings', async () => {
    let target = '';
    const proxy = await failingProxy(() => target, 1);
    world = await openMediaWorld(bulkVideos(1_200, 'ada@example.com'), [{ table: 'videos', publicId: 'gone-video' }], { apiBaseUrl: () => proxy.url });
    target = world.emulator.url;
    try {
      const run = await world.run({});
      expect(run).toMatchObject({ state: 'failed', result: { findings: 0 }, error: { message: 'Server returned unexpected status code - 503' } });
      expect(await open(world)).toHaveLength(0);
      expect(await world.app.store.engineState.get('media-import', 'resume:all')).toBeUndefined();
    } finally {
      await proxy.close();
    }
  });
});
