import type { Provider, World } from './world-schema';

/**
 * What a real check must find in a demo world, read off the world file alone:
 * the drift the world writes down. The demo's agreement test compares this
 * with what the engines return at demo start (tests/integration/demo-world-agreement.test.ts).
 */
export interface ExpectedDrift {
  /** Per storage account a check visits (users with auto-sync on), keyed `<email>/<provider>`. */
  storage: Map<string, { orphans: number; trashed: number; status: 'ok' | 'orphans' | 'needs-reconnect' }>;
  identity: { localOnly: number; remoteOnly: number; renamed: number };
  /** Public ids of Cloudinary assets without a row. */
  mediaMissing: string[];
}

export function expectedDrift(world: World): ExpectedDrift {
  const storage: ExpectedDrift['storage'] = new Map();
  for (const user of world.users) {
    if (!user.syncSettings.autoSync) continue;
    for (const provider of user.storage) {
      const rows = world.files[provider as Provider].filter((f) => f.user === user.email && f.row);
      const orphans = rows.filter((f) => f.state === 'gone').length;
      const trashed = rows.filter((f) => f.state === 'trashed').length;
      const revoked = user.revokedGrants.includes(provider);
      storage.set(`${user.email}/${provider}`, {
        orphans: revoked ? 0 : orphans,
        trashed: revoked ? 0 : trashed,
        status: revoked ? 'needs-reconnect' : orphans + trashed > 0 ? 'orphans' : 'ok',
      });
    }
  }
  return {
    storage,
    identity: {
      localOnly: world.users.filter((u) => !u.auth.present).length,
      remoteOnly: world.authOnlyUsers.length,
      renamed: world.users.filter((u) => u.auth.present && u.auth.name !== undefined && u.auth.name !== u.name).length,
    },
    mediaMissing: world.assets.filter((a) => !a.row).map((a) => a.publicId),
  };
}
