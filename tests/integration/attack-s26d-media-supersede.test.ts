import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOUD, openMediaWorld, video, type MediaWorld } from './media-import.setup';

/**
 * Attack s26d (issue 14 item 6: a one-user check next to an all-users check). An all-users check that started
 * (and listed) BEFORE a one-user check ends AFTER it: at its end run-manager.ts supersedes every open finding of the
 * engine whose run_id is not its own (FindingsRepository.supersede with scope 'all'), including the findings the
 * newer one-user check just wrote about assets the older listing could not have seen. The asset is still missing in
 * the database, the latest check found it, and no open finding is left: the Media page says nothing is missing and a
 * 'repair all' imports nothing for it, until some later check runs.
 */
let world: MediaWorld | undefined;
let proxy: { url: string; release(): void; held(): number; close(): Promise<void> } | undefined;
afterEach(async () => {
  proxy?.release();
  await proxy?.close();
  proxy = undefined;
  await world?.close();
  world = undefined;
});

/** A pass-through proxy that reads the first search's answer from the emulator at once but hands it over only on release(). */
async function holdingProxy(target: () => string): Promise<NonNullable<typeof proxy>> {
  let searches = 0;
  let held = 0;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server: Server = createServer((req, res) => {
    const isSearch = req.url?.includes('resources%2Fsearch') || req.url?.includes('resources/search');
    const hold = isSearch && ++searches === 1;
    const upstream = new URL(target());
    const forward = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        const send = () => res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(chunks));
        if (!hold) return send();
        held++;
        void released.then(send);
      });
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    release,
    held: () => held,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('attack s26d: an older all-users check ending after a newer one-user check', () => {
  it('does not supersede the one-user check\'s finding about an asset its own listing predates', async () => {
    let emulatorUrl = '';
    proxy = await holdingProxy(() => emulatorUrl);
    const p = proxy;
    world = await openMediaWorld([video('ada@example.com', 'a1'), video('grace@example.com', 'g1')], [], {
      apiBaseUrl: (url) => {
        emulatorUrl = url;
        return p.url;
      },
    });
    // The all-users check lists (its answer is read now, then held in transit).
    const all = (await world.app.runs.start('media-import', {}, 'manual')).runId;
    for (let i = 0; i < 200 && p.held() === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(p.held()).toBe(1);

    // Ada uploads a new video; a one-user check of her lists it and completes.
    world.emulator.addAsset(CLOUD.cloudName, video('ada@example.com', 'a2'));
    const one = await world.run({ user: 'ada@example.com' });
    expect(one).toMatchObject({ state: 'succeeded', result: { complete: true, assets: 2 } });
    expect((await world.app.store.findings.open('media-import')).map((f) => f.subject).sort()).toEqual(['asset:a1', 'asset:a2']);

    // The older all-users check now gets its (older) listing and ends.
    p.release();
    const done = await world.app.runs.waitFor(all);
    expect(done?.state).toBe('succeeded');

    // a2 still has no row: the newest check's finding about it must still be open.
    expect(await world.rows("SELECT public_id FROM videos WHERE public_id = 'a2'")).toEqual([]);
    expect((await world.app.store.findings.open('media-import')).map((f) => f.subject).sort()).toEqual(['asset:a1', 'asset:a2', 'asset:g1']);
  }, 30_000);
});
