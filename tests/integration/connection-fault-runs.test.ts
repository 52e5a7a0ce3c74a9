import { afterEach, describe, expect, it } from 'vitest';
import { openMediaWorld, video, type MediaWorld } from './media-import.setup';

/**
 * DESIGN §4.2: a connection the service refuses (a wrong API secret) is the admin's to fix. Whatever engine
 * meets it, the run fails with the one wording that points at the Connections page, and writes nothing.
 */
describe('a run on a refused connection', () => {
  let world: MediaWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('media-import with a wrong Cloudinary API secret fails, names the Connections page and finds nothing', async () => {
    world = await openMediaWorld([video('ada@example.com', 'v1')]);
    const media = (await world.app.connections.list()).find((connection) => connection.kind === 'cloudinary');
    if (!media) throw new Error('the world has no Cloudinary connection');
    await world.app.connections.update({ id: media.id, secrets: { apiSecret: 'not-the-secret' } });

    const run = await world.run({ mode: 'check' });

    expect(run.state).toBe('failed');
    expect(run.error?.code).toBe('connection-misconfigured');
    expect(run.error?.message).toMatch(/Connections page/);
    expect(run.error?.message).toMatch(/no user was marked/);
    expect(await world.app.store.findings.open('media-import')).toHaveLength(0);
  });
});
