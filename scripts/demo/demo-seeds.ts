import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudinarySeed, SeedAsset } from '../../tests/emulators/cloudinary/cloudinary-store';
import type { DropboxSeed } from '../../tests/emulators/dropbox/seed';
import type { GoogleSeed } from '../../tests/emulators/google/fixture';
import type { SupabaseSeed } from '../../tests/emulators/supabase/supabase.emulator';

/**
 * The demo world, derived from resources/demo/people.json: every emulator's
 * seed and the rows of the demo app database, with deliberate drift so each
 * engine has something to find:
 * - storage: some file rows point at Drive/Dropbox files that were deleted or trashed,
 *   and one user revoked their Dropbox grant (needs reconnect);
 * - media: some Cloudinary videos and clips have no row;
 * - identity: a few users exist on one side only, or differ in name/verification.
 */
export interface Person {
  id: string;
  name: string;
  email: string;
  role: string;
  emailVerified: boolean;
  createdAt: string;
  storage: ('google' | 'dropbox')[];
  /** Providers whose grant this user revoked: checks must skip them and mark the user "needs reconnect". */
  revokedGrants?: ('google' | 'dropbox')[];
  mail: { enabled: boolean; intervalMinutes: number };
}

export const DEMO_CREDENTIALS = {
  google: { clientId: 'syncwarden-demo.apps.googleusercontent.com', clientSecret: 'demo-google-client-secret' },
  dropbox: { appKey: 'demo-dropbox-app-key', appSecret: 'demo-dropbox-app-secret' },
  cloudinary: { cloudName: 'syncwarden-demo', apiKey: '614335564976464', apiSecret: 'demo-cloudinary-secret', rootFolder: 'media' },
  supabase: { serviceRoleKey: 'demo-service-role-key', anonKey: 'demo-anon-key' },
};

export function loadPeople(root: string): Person[] {
  return (JSON.parse(readFileSync(join(root, 'resources', 'demo', 'people.json'), 'utf8')) as { people: Person[] }).people;
}

const slug = (p: Person) => p.email.split('@')[0] as string;
export const googleRefreshToken = (p: Person) => `1//demo-google-${slug(p)}`;
export const dropboxRefreshToken = (p: Person) => `demo-dropbox-${slug(p)}`;
const FILES_PER_USER = 5;

/** Drive/Dropbox files per user; file #4 of every third user is gone (an orphan row), #3 of every fifth is trashed. */
export function storageFiles(p: Person, index: number, provider: 'google' | 'dropbox') {
  return Array.from({ length: FILES_PER_USER }, (_, n) => ({
    id: `${provider}-${slug(p)}-${n}`,
    name: `${['Quarterly report', 'Invoice', 'Contract', 'Roadmap', 'Meeting notes'][n]} ${2025 - (n % 2)}.pdf`,
    size: 20_000 + n * 7_331 + index,
    gone: n === 4 && index % 3 === 0,
    trashed: provider === 'google' && n === 3 && index % 5 === 0,
  }));
}

export function googleSeed(people: Person[]): GoogleSeed {
  return {
    clients: [DEMO_CREDENTIALS.google],
    accounts: people.map((p, i) => ({
      id: slug(p),
      email: p.email,
      refreshTokens: [googleRefreshToken(p)],
      files: p.storage.includes('google')
        ? storageFiles(p, i, 'google')
            .filter((f) => !f.gone)
            .map((f) => ({ id: f.id, name: f.name, size: f.size, trashed: f.trashed, mimeType: 'application/pdf', modifiedTime: p.createdAt }))
        : [],
      mailbox: {
        historyId: 1000 + i * 10,
        messages: Array.from({ length: 4 }, (_, m) => ({
          id: `msg-${slug(p)}-${m}`,
          threadId: `thr-${slug(p)}-${m}`,
          labelIds: ['INBOX'],
          internalDate: Date.parse('2026-11-01T08:00:00Z') + (i * 4 + m) * 3_600_000,
          headers: { Subject: ['Welcome aboard', 'Your invoice', 'Weekly digest', 'Password changed'][m] as string, From: 'team@product.example' },
          snippet: 'Demo message for Syncwarden',
        })),
      },
      ...(i === 0
        ? {
            spreadsheets: [
              {
                id: 'demo-pricing-sheet',
                title: 'Pricing plans',
                sheets: [{ title: 'Plans', rows: [['plan', 'price', 'seats'], ['Free', '0', '1'], ['Team', '49', '10'], ['Business', 'forty', '50'], ['Enterprise', '', '']] }],
              },
            ],
          }
        : {}),
    })),
  };
}

export function dropboxSeed(people: Person[]): DropboxSeed {
  return {
    app: { key: DEMO_CREDENTIALS.dropbox.appKey, secret: DEMO_CREDENTIALS.dropbox.appSecret },
    accounts: people
      .filter((p) => p.storage.includes('dropbox'))
      .map((p) => ({
        accountId: `dbid:AA${slug(p).replace(/[^a-z]/g, '').padEnd(32, '0').slice(0, 32)}`,
        email: p.email,
        displayName: p.name,
        refreshTokens: [dropboxRefreshToken(p)],
        entries: [
          { path: '/Apps/Product', tag: 'folder' as const },
          ...storageFiles(p, people.indexOf(p), 'dropbox')
            .filter((f) => !f.gone)
            .map((f) => ({ path: `/Apps/Product/${f.name}`, id: `id:${f.id}`, size: f.size, serverModified: '2025-06-01T10:00:00Z' })),
        ],
      })),
  };
}

/** The Dropbox refresh tokens the demo revokes once its emulator runs (revoking also kills the access tokens issued from them). */
export function revokedDropboxTokens(people: Person[]): string[] {
  return people.filter((p) => p.storage.includes('dropbox') && p.revokedGrants?.includes('dropbox')).map(dropboxRefreshToken);
}

/** Two videos and one clip per user; every fourth user's second video and its clip have no row in the app DB. */
export function mediaAssets(people: Person[]) {
  return people.flatMap((p, i) => {
    const base = `${DEMO_CREDENTIALS.cloudinary.rootFolder}/users/${p.email}`;
    const video = (n: number): SeedAsset & { missingRow: boolean } => ({
      folder: `${base}/videos`,
      filename: `${slug(p)}-video-${n}`,
      publicId: `${slug(p)}-video-${n}`,
      resourceType: 'video',
      format: 'mp4',
      duration: 60 + n * 42.5,
      bytes: 8_000_000 + n * 1_500_000,
      createdAt: p.createdAt,
      missingRow: n === 1 && i % 4 === 0,
    });
    const clip: SeedAsset & { missingRow: boolean } = {
      folder: `${base}/clips`,
      filename: `${slug(p)}-clip-0`,
      publicId: `${slug(p)}-clip-0`,
      resourceType: 'video',
      format: 'mp4',
      duration: 12.5,
      bytes: 1_200_000,
      createdAt: p.createdAt,
      context: { parent_video: `${slug(p)}-video-1` },
      missingRow: i % 4 === 0,
    };
    return [video(0), video(1), clip];
  });
}

export function cloudinarySeed(people: Person[]): CloudinarySeed {
  const { cloudName, apiKey, apiSecret } = DEMO_CREDENTIALS.cloudinary;
  return { clouds: [{ cloudName, apiKey, apiSecret, hourlyBudget: 500, folderMode: 'dynamic', assets: mediaAssets(people).map(({ missingRow: _missing, ...asset }) => asset) }] };
}

/** Supabase Auth: everyone but the last two (local only), plus two users the product lost (remote only); every sixth name differs. */
export function supabaseSeed(people: Person[]): SupabaseSeed {
  const remote = people.slice(0, -2).map((p, i) => ({
    id: p.id,
    email: p.email,
    role: 'authenticated',
    ...(p.emailVerified ? { email_confirmed_at: p.createdAt } : {}),
    user_metadata: { full_name: i % 6 === 5 ? p.name.split(' ')[0] : p.name },
    app_metadata: { provider: 'email', providers: ['email'], role: p.role },
    created_at: p.createdAt,
  }));
  const strangers = [
    { id: '0b7e3d8e-5c1a-4f7b-9d2e-6a1f4c3b2a01', email: 'orphan.signup@example.com', user_metadata: { full_name: 'Orphan Signup' }, created_at: '2026-10-02T12:00:00.000Z' },
    { id: '0b7e3d8e-5c1a-4f7b-9d2e-6a1f4c3b2a02', email: 'ghost.account@example.com', user_metadata: { full_name: 'Ghost Account' }, created_at: '2026-10-03T12:00:00.000Z' },
  ];
  return { serviceRoleKey: DEMO_CREDENTIALS.supabase.serviceRoleKey, anonKey: DEMO_CREDENTIALS.supabase.anonKey, users: [...remote, ...strangers] };
}
