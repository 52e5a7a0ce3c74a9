import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { driveFiles, resultOf } from './storage-orphans.setup';
import { useProxiedStorageWorlds } from './storage-orphans-proxied';

/**
 * Attack (#19, plain-fetch Drive listing): a gateway that answers every
 * listing page empty with a fresh nextPageToken. No token repeats, so the
 * loop guard never fires and the run listed for ever, holding its scope
 * (DESIGN §4.9: a run never blocks its scope). A long run of empty pages is
 * not a listing: unknown, no orphan, and the run ends.
 */
const worlds = useProxiedStorageWorlds();

/** Ada's Drive through a proxy that answers `route` pages with `body()` while `on` is true. */
async function endless(route: string, body: () => unknown) {
  const world = await worlds.world([{ id: 'ada', drive: driveFiles('ada', 3) }]);
  const p = await worlds.proxy(world.google.rootUrl);
  const control = { on: false };
  p.tamper = (req, res) => {
    if (!control.on || !req.url?.startsWith(`${route}?`)) return false;
    res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(body()));
    return true;
  };
  await worlds.routeGoogle(world, p);
  return { world, control };
}

describe('attack: endless empty pages with fresh tokens', () => {
  it('files.list: the run ends, the account unknown, no orphan', async () => {
    const { world, control } = await endless('/drive/v3/files', () => ({ files: [], incompleteSearch: false, nextPageToken: randomUUID() }));
    control.on = true;
    const check = await world.run({ mode: 'check', strategy: 'list', full: true });
    expect(resultOf(check).orphans).toBe(0);
    expect(resultOf(check).results[0]).toMatchObject({ status: 'unknown', message: expect.stringMatching(/empty pages/) });
  }, 60_000);

  it('changes.list: the delta ends unknown, and the next one still finds the deletion', async () => {
    const { world, control } = await endless('/drive/v3/changes', () => ({ changes: [], nextPageToken: randomUUID() }));
    await world.run({ mode: 'check', strategy: 'probe', full: true });
    world.google.deleteFile('ada', 'g-ada-0');
    control.on = true;
    const during = await world.run({ mode: 'check' });
    expect(resultOf(during).results[0]).toMatchObject({ status: 'unknown', orphans: 0 });
    control.on = false;
    expect(resultOf(await world.run({ mode: 'check' })).results[0]).toMatchObject({ pass: 'delta', orphans: 1 });
  }, 60_000);
});
