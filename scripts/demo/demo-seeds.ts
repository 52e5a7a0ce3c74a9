import { join } from 'node:path';
import type { CloudinarySeed, SeedAsset } from '../../tests/emulators/cloudinary/cloudinary-store';
import type { DropboxSeed, DropboxSeedEntry } from '../../tests/emulators/dropbox/seed';
import type { GoogleSeed } from '../../tests/emulators/google/fixture';
import type { SupabaseSeed } from '../../tests/emulators/supabase/supabase.emulator';
import { loadWorldFile, type Provider, type World, type WorldFile, type WorldUser } from './world-schema';

/**
 * A demo world (world-schema.ts) → every emulator's seed and the rows of the
 * demo product database. The world says where the drift is; this file only
 * says how each service spells it. The default world, resources/demo/world.json,
 * holds deliberate drift so each engine has something to find:
 * - storage: some file rows point at Drive/Dropbox files that were deleted or trashed,
 *   and one user revoked their Dropbox grant (needs reconnect);
 * - media: some Cloudinary videos and clips have no row;
 * - identity: a few users exist on one side only, or differ in name/verification.
 */

export const DEMO_CREDENTIALS = {
  google: { clientId: 'syncwarden-demo.apps.googleusercontent.com', clientSecret: 'demo-google-client-secret' },
  dropbox: { appKey: 'demo-dropbox-app-key', appSecret: 'demo-dropbox-app-secret' },
  cloudinary: { cloudName: 'syncwarden-demo', apiKey: '614335564976464', apiSecret: 'demo-cloudinary-secret', rootFolder: 'media' },
  supabase: { serviceRoleKey: 'demo-service-role-key', anonKey: 'demo-anon-key' },
};

/** The default demo world, relative to the repository root. */
export const DEMO_WORLD_FILE = join('resources', 'demo', 'world.json');

export function loadDemoWorld(root: string): World {
  return loadWorldFile(join(root, DEMO_WORLD_FILE));
}

/**
 * Each user's emulator account name: the part of the email before '@', unless
 * another user of the world has the same one (ada@one.example and
 * ada@two.example), then the whole email spelt with '-' ("ada-two-example"):
 * a shared name gave both users one Google account and one refresh token, so
 * one user's storage was read as the other's.
 */
const slugs = new WeakMap<readonly WorldUser[], Map<string, string>>();
function slugOf(world: Pick<World, 'users'>, user: Pick<WorldUser, 'email'>): string {
  let names = slugs.get(world.users);
  if (!names) {
    names = accountNames(world.users);
    slugs.set(world.users, names);
  }
  const name = names.get(user.email);
  if (name === undefined) throw new Error(`${user.email} is not a user of this world`);
  return name;
}

function accountNames(users: readonly WorldUser[]): Map<string, string> {
  const local = (email: string) => email.split('@')[0] as string;
  const counts = new Map<string, number>();
  for (const user of users) counts.set(local(user.email).toLowerCase(), (counts.get(local(user.email).toLowerCase()) ?? 0) + 1);
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const user of users) {
    const base = (counts.get(local(user.email).toLowerCase()) ?? 0) > 1 ? user.email.replace(/[^A-Za-z0-9._-]/g, '-') : local(user.email);
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${n}`;
    taken.add(name.toLowerCase());
    names.set(user.email, name);
  }
  return names;
}

export const googleRefreshToken = (world: Pick<World, 'users'>, user: Pick<WorldUser, 'email'>) => `1//demo-google-${slugOf(world, user)}`;
export const dropboxRefreshToken = (world: Pick<World, 'users'>, user: Pick<WorldUser, 'email'>) => `demo-dropbox-${slugOf(world, user)}`;
const DROPBOX_APP_FOLDER = '/Apps/Product';

/** Files of one provider grouped by owner email, in world order (one pass: 50,000 files stay linear). */
export function filesByUser(files: WorldFile[]): Map<string, WorldFile[]> {
  const byUser = new Map<string, WorldFile[]>();
  for (const file of files) {
    const list = byUser.get(file.user);
    if (list) list.push(file);
    else byUser.set(file.user, [file]);
  }
  return byUser;
}

export const dropboxPath = (file: WorldFile) => file.path ?? `${DROPBOX_APP_FOLDER}/${file.name}`;

export function googleSeed(world: World): GoogleSeed {
  const files = filesByUser(world.files.google);
  const mailboxes = new Map(world.mail.map((mailbox) => [mailbox.user, mailbox]));
  const sheets = world.sheets;
  return {
    clients: [DEMO_CREDENTIALS.google],
    accounts: world.users.map((user) => {
      const mailbox = mailboxes.get(user.email);
      const owned = sheets.filter((sheet) => sheet.owner === user.email);
      return {
        id: slugOf(world, user),
        email: user.email,
        refreshTokens: [googleRefreshToken(world, user)],
        files: (user.storage.includes('google') ? (files.get(user.email) ?? []) : [])
          .filter((f) => f.state !== 'gone')
          .map((f) => ({ id: f.id, name: f.name, size: f.size, trashed: f.state === 'trashed', mimeType: f.mimeType, modifiedTime: f.modifiedTime ?? user.createdAt })),
        ...(mailbox
          ? {
              mailbox: {
                historyId: mailbox.historyId,
                messages: mailbox.messages.map((m) => ({
                  id: m.id,
                  ...(m.threadId ? { threadId: m.threadId } : {}),
                  ...(m.labelIds ? { labelIds: m.labelIds } : {}),
                  internalDate: typeof m.internalDate === 'number' ? m.internalDate : Date.parse(m.internalDate),
                  headers: m.headers,
                  ...(m.snippet !== undefined ? { snippet: m.snippet } : {}),
                })),
              },
            }
          : {}),
        ...(owned.length > 0
          ? {
              spreadsheets: owned.map((sheet) => ({
                id: sheet.id,
                title: sheet.title,
                ...(sheet.network ? { network: sheet.network } : {}),
                sheets: sheet.tabs.map((tab) => ({ title: tab.title, rows: tab.rows, ...(tab.generated ? { generated: tab.generated } : {}) })),
              })),
            }
          : {}),
      };
    }),
  };
}

/** A Dropbox account id per user: dbid:AA + 32 letters of the email; users whose letters match get their position appended, so no two share one. */
function dropboxAccountIds(world: World, users: WorldUser[]): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  users.forEach((user, i) => {
    const letters = slugOf(world, user).replace(/[^a-z]/g, '').padEnd(32, '0').slice(0, 32);
    const id = taken.has(letters) ? `${letters.slice(0, 32 - String(i).length)}${i}` : letters;
    taken.add(id);
    ids.set(user.email, `dbid:AA${id}`);
  });
  return ids;
}

export function dropboxSeed(world: World): DropboxSeed {
  const files = filesByUser(world.files.dropbox);
  const accountIds = dropboxAccountIds(world, world.users.filter((user) => user.storage.includes('dropbox')));
  return {
    app: { key: DEMO_CREDENTIALS.dropbox.appKey, secret: DEMO_CREDENTIALS.dropbox.appSecret },
    accounts: world.users
      .filter((user) => user.storage.includes('dropbox'))
      .map((user) => {
        const present = (files.get(user.email) ?? []).filter((f) => f.state !== 'gone');
        // The product's app folder always exists; other folders a file lives in are listed before the files.
        const folders = [...new Set([DROPBOX_APP_FOLDER, ...present.map((f) => dropboxPath(f).slice(0, dropboxPath(f).lastIndexOf('/'))).filter(Boolean)])];
        const entries: DropboxSeedEntry[] = [
          ...folders.map((path) => ({ path, tag: 'folder' as const })),
          ...present.map((f) => ({ path: dropboxPath(f), id: f.id, size: f.size, serverModified: (f.modifiedTime ?? user.createdAt).replace(/\.\d{3}Z$/, 'Z') })),
        ];
        return {
          accountId: accountIds.get(user.email) as string,
          email: user.email,
          displayName: user.name,
          refreshTokens: [dropboxRefreshToken(world, user)],
          entries,
        };
      }),
  };
}

/** The refresh tokens the demo revokes once the emulators run (revoking also kills the access tokens issued from them). */
export function revokedRefreshTokens(world: World): Record<Provider, string[]> {
  const revoked = (provider: Provider) => world.users.filter((u) => u.storage.includes(provider) && u.revokedGrants.includes(provider));
  return { google: revoked('google').map((u) => googleRefreshToken(world, u)), dropbox: revoked('dropbox').map((u) => dropboxRefreshToken(world, u)) };
}

export type DemoAsset = SeedAsset & { missingRow: boolean; user: string; kind: 'video' | 'clip' };

/** The world's Cloudinary assets as the emulator's seed, each with whether the product DB lacks its row. */
export function mediaAssets(world: World): DemoAsset[] {
  const users = new Map(world.users.map((u) => [u.email, u]));
  return world.assets.map((asset) => ({
    folder: asset.folder ?? `${DEMO_CREDENTIALS.cloudinary.rootFolder}/users/${asset.user}/${asset.kind}s`,
    filename: asset.publicId,
    publicId: asset.publicId,
    resourceType: 'video',
    format: asset.format,
    ...(asset.duration !== undefined ? { duration: asset.duration } : {}),
    ...(asset.bytes !== undefined ? { bytes: asset.bytes } : {}),
    createdAt: asset.createdAt ?? users.get(asset.user)?.createdAt ?? '2025-01-01T00:00:00.000Z',
    ...(asset.context ? { context: asset.context } : {}),
    missingRow: !asset.row,
    user: asset.user,
    kind: asset.kind,
  }));
}

export function cloudinarySeed(world: World): CloudinarySeed {
  const { cloudName, apiKey, apiSecret } = DEMO_CREDENTIALS.cloudinary;
  const assets = mediaAssets(world).map(({ missingRow: _missing, user: _user, kind: _kind, ...asset }) => asset);
  return { clouds: [{ cloudName, apiKey, apiSecret, hourlyBudget: 500, folderMode: 'dynamic', assets }] };
}

/** Supabase Auth: every user whose auth entry is present (under its auth name, if any), then the auth-only users. */
export function supabaseSeed(world: World): SupabaseSeed {
  const remote = world.users
    .filter((user) => user.auth.present)
    .map((user) => ({
      id: user.id,
      email: user.email,
      role: 'authenticated',
      ...(user.emailVerified ? { email_confirmed_at: user.createdAt } : {}),
      user_metadata: { full_name: user.auth.name ?? user.name },
      app_metadata: { provider: 'email', providers: ['email'], role: user.role },
      created_at: user.createdAt,
    }));
  const strangers = world.authOnlyUsers.map((user) => ({ id: user.id, email: user.email, user_metadata: { full_name: user.name }, created_at: user.createdAt }));
  return { serviceRoleKey: DEMO_CREDENTIALS.supabase.serviceRoleKey, anonKey: DEMO_CREDENTIALS.supabase.anonKey, users: [...remote, ...strangers] };
}
