import { describe, expect, it } from 'vitest';
import type { TamperProxy } from '../helpers/tamper-proxy';
import { driveFiles, resultOf, type StorageWorld } from './storage-orphans.setup';
import { useProxiedStorageWorlds } from './storage-orphans-proxied';

/**
 * Attack (#19, plain-fetch Drive listing): a redirect on a listing page. Drive
 * never redirects files.list or changes.list; a gateway or cache in front of it
 * may, to a URL without our query (the default corpus: shared-drive files and
 * the trashed flag missing) or to another host serving a Drive-shaped page.
 * An answer reached through a redirect is not Drive's answer to our request:
 * unknown, never a listing that proves absence (DESIGN §4.1).
 */
const worlds = useProxiedStorageWorlds();

/** Ada's Drive (three files, one in a shared drive, one trashed) read through a proxy set as the connection's rootUrl. */
async function behindProxy(): Promise<{ world: StorageWorld; proxy: TamperProxy }> {
  const world = await worlds.world([{ id: 'ada', drive: [...driveFiles('ada', 3), { id: 'g-team', name: 'team.pdf', driveId: 'sd-1' }, { id: 'g-bin', name: 'bin.pdf', trashed: true }] }]);
  const proxy = await worlds.proxy(world.google.rootUrl);
  await worlds.routeGoogle(world, proxy);
  return { world, proxy };
}

/** Another host answering every request with this JSON. */
async function foreignHost(body: unknown): Promise<TamperProxy> {
  const host = await worlds.proxy('http://127.0.0.1:9/');
  host.tamper = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(body));
    return true;
  };
  return host;
}

const rowCount = async (w: StorageWorld) => (await w.rows<{ n: number }>('SELECT COUNT(*) AS n FROM files'))[0]?.n;

describe('attack: a redirect on a Drive listing page', () => {
  it('a same-origin 302 that drops the query (default corpus) makes no shared-drive file an orphan', async () => {
    const { world, proxy } = await behindProxy();
    proxy.tamper = (req, res) => {
      if (!req.url?.startsWith('/drive/v3/files?')) return false;
      res.writeHead(302, { location: '/drive/v3/files' });
      res.end();
      return true;
    };
    const check = await world.run({ mode: 'check', strategy: 'list', full: true });
    expect(resultOf(check).orphans).toBe(0);
    expect(resultOf(check).results[0]).toMatchObject({ status: 'unknown' });
    // The redirect target was never asked: the answer was refused, not followed.
    expect(proxy.seen.filter((u) => u === '/drive/v3/files')).toEqual([]);
    expect(await world.run({ mode: 'repair', all: true })).toMatchObject({ result: { quarantined: 0 } });
    expect(await rowCount(world)).toBe(5);
  });

  it('a 302 to another host serving an empty Drive page finds no orphan; repair all removes nothing', async () => {
    const { world, proxy } = await behindProxy();
    const cache = await foreignHost({ files: [], incompleteSearch: false });
    proxy.tamper = (req, res) => {
      if (!req.url?.startsWith('/drive/v3/files?')) return false;
      res.writeHead(302, { location: `${cache.url}${req.url}` });
      res.end();
      return true;
    };
    const check = await world.run({ mode: 'check', strategy: 'list', full: true });
    expect(resultOf(check).orphans).toBe(0);
    expect(resultOf(check).results[0]).toMatchObject({ status: 'unknown', message: expect.stringMatching(/302/) });
    expect(cache.seen).toEqual([]);
    expect(await world.run({ mode: 'repair', all: true })).toMatchObject({ result: { quarantined: 0 } });
    expect(await rowCount(world)).toBe(5);
  });

  it('a 302 on changes.list to a page jumping the cursor does not hide a deletion from the deltas', async () => {
    const { world, proxy } = await behindProxy();
    // A probe pass keeps a change cursor, so the next checks are deltas.
    await world.run({ mode: 'check', strategy: 'probe', full: true });
    world.google.deleteFile('ada', 'g-ada-0');
    // A page cached after the deletion: no changes, a start token past it.
    const cache = await foreignHost({ changes: [], newStartPageToken: '1000000' });
    proxy.tamper = (req, res) => {
      if (!req.url?.startsWith('/drive/v3/changes?')) return false;
      res.writeHead(307, { location: `${cache.url}${req.url}` });
      res.end();
      return true;
    };
    const during = await world.run({ mode: 'check' });
    expect(resultOf(during).results[0]).toMatchObject({ status: 'unknown' });
    proxy.tamper = () => false;
    const after = await world.run({ mode: 'check' });
    expect(resultOf(after).results[0]).toMatchObject({ pass: 'delta', orphans: 1 });
  });

  it("a probe redirected to the file's URL without supportsAllDrives (Drive's own 404 there) is not gone", async () => {
    const { world, proxy } = await behindProxy();
    proxy.tamper = (req, res) => {
      const path = req.url?.split('?')[0] ?? '';
      if (!/^\/drive\/v3\/files\/[^/]+$/.test(path) || !req.url?.includes('?')) return false;
      res.writeHead(301, { location: path });
      res.end();
      return true;
    };
    const check = await world.run({ mode: 'check', strategy: 'probe', full: true });
    expect(resultOf(check).orphans).toBe(0);
    expect(resultOf(check).results[0]).toMatchObject({ status: 'unknown' });
    expect(await world.run({ mode: 'repair', all: true })).toMatchObject({ result: { quarantined: 0 } });
    expect(await rowCount(world)).toBe(5);
  });
});
