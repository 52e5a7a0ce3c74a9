import { afterEach } from 'vitest';
import { startTamperProxy, type TamperProxy } from '../helpers/tamper-proxy';
import { openStorageWorld, type StorageWorld, type WorldOptions, type WorldUser } from './storage-orphans.setup';

/**
 * Storage worlds whose Google connection can be routed through tamper proxies
 * (the attack tests of the plain-fetch Drive path). Everything opened is
 * closed after each test.
 */
export function useProxiedStorageWorlds() {
  let world: StorageWorld | undefined;
  const proxies: TamperProxy[] = [];
  afterEach(async () => {
    await world?.close();
    for (const proxy of proxies.splice(0)) await proxy.close();
    world = undefined;
  });
  return {
    async world(users: WorldUser[], options?: WorldOptions): Promise<StorageWorld> {
      world = await openStorageWorld(users, options);
      return world;
    },
    /** A proxy in front of `upstream` (the world's Google emulator unless named). */
    async proxy(upstream: string): Promise<TamperProxy> {
      const proxy = await startTamperProxy(upstream);
      proxies.push(proxy);
      return proxy;
    },
    /** From now on the world's Google connection goes through `proxy` (its rootUrl). */
    async routeGoogle(of: StorageWorld, proxy: TamperProxy): Promise<void> {
      const google = (await of.app.connections.list()).find((c) => c.kind === 'google');
      if (!google) throw new Error('no Google connection');
      await of.app.connections.update({ id: google.id, config: { ...google.config, rootUrl: `${proxy.url}/` } });
    },
  };
}
