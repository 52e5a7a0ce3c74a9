import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startTamperProxy, type TamperProxy } from '../helpers/tamper-proxy';
import { driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * Attack (#19, plain-fetch Drive listing): a gateway that answers every
 * listing page empty with a fresh nextPageToken. No token repeats, so the
 * loop guard never fires and the run listed for ever, holding its scope
 * (DESIGN §4.9: a run never blocks its scope). A long run of empty pages is
 * not a listing: unknown, no orphan, and the run ends.
 */
let world: StorageWorld | undefined;
let proxy: TamperProxy | undefined;
afterEach(async () => {
  await world?.close();
  await proxy?.close();
  world = proxy = undefined;
});

/** Ada's Drive through a proxy that answers `route` pages with `body()` while `on` is true. */
async function endless(route: string, body: () => unknown) {
  world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3) }]);
  const p = await startTamperProxy(world.google.rootUrl);
  proxy = p;
  const control = { on: false };
  p.tamper = (req, res) => {
    if (!control.on || !req.url?.startsWith(`${route}?`)) return false;
    res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(body()));
    return true;
  };
  const google = (await world.app.connections.list()).find((c) => c.kind === 'google');
  if (!google) throw new Error('no Google connection');
  await world.app.connections.update({ id: google.id, config: { ...google.config, rootUrl: `${p.url}/` } });
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
