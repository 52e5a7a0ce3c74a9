import type { World, WorldAsset, WorldFile, WorldMailbox, WorldUser } from './world-schema';

/**
 * `npm run demo -- --large`: a world big enough to watch a run's progress
 * phases and the header's active-runs badge, generated in code rather than
 * checked in: 2,000 users, 50,000 Drive/Dropbox files (with orphan drift),
 * 4,000 Cloudinary assets and a 300,000-row sheet whose rows the Sheets
 * emulator makes on demand (a template, not 300,000 row objects).
 * Deterministic: the same world every start.
 *
 * Watchable, not a flood: the sheet answers at a realistic pace (SHEET_NETWORK: a 300,000-row import takes
 * about half a minute, so the header badge can be followed to other pages), and the users' own schedules
 * fire a couple of runs a minute in all (storage sync daily, mail import on for every 20th user, hourly to
 * every 4 hours), each at its own stable offset in its interval as real per-user schedules are.
 */
export const LARGE = { users: 2_000, filesPerUser: 25, sheetRows: 300_000 } as const;

/**
 * The Sheets API's pace for a big read: ~0.4 s per request and ~500 kB/s of JSON (a 2 MB window of the
 * import takes ~4 s, as large reads of the real API do). 300,000 rows are ~13 MB: ~30 s in all.
 */
export const SHEET_NETWORK = { latencyMs: 400, bytesPerSecond: 500_000 } as const;

const FIRST = ['Ada', 'Grace', 'Alan', 'Katherine', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Radia', 'Ken', 'Hedy', 'Dennis', 'Margaret', 'Tim', 'Sophie', 'Linus', 'Annie', 'Claude', 'Joan'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Johnson', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Backus', 'Perlman', 'Thompson', 'Lamarr', 'Ritchie', 'Hamilton', 'Berners-Lee', 'Wilson', 'Torvalds', 'Easley', 'Shannon', 'Clarke'];
const DOCS = ['Quarterly report', 'Invoice', 'Contract', 'Roadmap', 'Meeting notes'];
const DAY = 86_400_000;
const START = Date.parse('2024-01-01T09:00:00.000Z');

const uuid = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

function user(i: number): WorldUser {
  const first = FIRST[i % FIRST.length] as string;
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length] as string;
  const storage: WorldUser['storage'] = i % 3 === 0 ? ['google', 'dropbox'] : i % 3 === 1 ? ['google'] : ['dropbox'];
  return {
    id: uuid(i),
    name: `${first} ${last}`,
    email: `${first}.${last}.${i}@large.example`.toLowerCase(),
    role: i < 5 ? 'admin' : 'user',
    emailVerified: i % 11 !== 10,
    createdAt: new Date(START + (i % 700) * DAY).toISOString(),
    storage,
    // Every 200th Dropbox user revoked the grant: a storage check marks them needs-reconnect.
    revokedGrants: storage.includes('dropbox') && i % 200 === 2 ? ['dropbox'] : [],
    // 100 users import their mail (every 60 to 240 minutes) and ~1,600 sync storage daily: under two runs a minute.
    mail: { enabled: i % 20 === 0, intervalMinutes: [60, 120, 180, 240][Math.floor(i / 20) % 4] as number },
    syncSettings: { autoSync: i % 5 !== 4, deleteAfterSync: i % 2 === 0, intervalMinutes: 1440 },
    // Identity drift: every 100th user is not in Supabase Auth, every 150th has another name there.
    auth: i % 100 === 99 ? { present: false } : i % 150 === 7 ? { present: true, name: first } : { present: true },
  };
}

/** 25 files per user, split over the user's providers; every 50th is gone (an orphan row), every 97th Drive file trashed. */
function files(users: WorldUser[]): World['files'] {
  const out: World['files'] = { google: [], dropbox: [] };
  let serial = 0;
  users.forEach((u, i) => {
    for (let n = 0; n < LARGE.filesPerUser; n++) {
      const provider = u.storage.length === 2 ? (n % 2 === 0 ? 'google' : 'dropbox') : (u.storage[0] as 'google' | 'dropbox');
      serial++;
      const key = `${provider}-${i}-${n}`;
      const file: WorldFile = {
        user: u.email,
        id: provider === 'dropbox' ? `id:${key}` : key,
        name: `${DOCS[n % DOCS.length] as string} ${n}.pdf`,
        size: 10_000 + ((serial * 7_919) % 5_000_000),
        state: serial % 50 === 0 ? 'gone' : provider === 'google' && serial % 97 === 0 ? 'trashed' : 'present',
        row: true,
        mimeType: 'application/pdf',
      };
      out[provider].push(file);
    }
  });
  return out;
}

/** A video and a clip per user; every 50th user's video has no row. */
function assets(users: WorldUser[]): WorldAsset[] {
  return users.flatMap((u, i) => [
    { user: u.email, kind: 'video' as const, publicId: `large-video-${i}`, format: 'mp4', duration: 30 + (i % 600), bytes: 2_000_000 + i * 1_000, row: i % 50 !== 3 },
    { user: u.email, kind: 'clip' as const, publicId: `large-clip-${i}`, format: 'mp4', duration: 10, bytes: 500_000, context: { parent_video: `large-video-${i}` }, row: true },
  ]);
}

function mail(users: WorldUser[]): WorldMailbox[] {
  return users.map((u, i) => ({
    user: u.email,
    historyId: 1000 + i * 10,
    messages: [0, 1].map((m) => ({
      id: `msg-large-${i}-${m}`,
      internalDate: Date.parse('2026-11-01T08:00:00Z') + (i * 2 + m) * 60_000,
      headers: { Subject: m === 0 ? 'Welcome aboard' : 'Your invoice', From: 'team@product.example' },
      snippet: 'Large demo message',
    })),
  }));
}

export function largeWorld(): World {
  const users = Array.from({ length: LARGE.users }, (_, i) => user(i));
  const owner = users.find((u) => u.storage.includes('google') && u.revokedGrants.length === 0) as WorldUser;
  return {
    version: 1,
    description: `Generated by scripts/demo/large-world.ts: ${LARGE.users} users, ${LARGE.users * LARGE.filesPerUser} files, a ${LARGE.sheetRows}-row sheet.`,
    users,
    authOnlyUsers: [{ id: '0b7e3d8e-5c1a-4f7b-9d2e-6a1f4c3b2a01', email: 'orphan.signup@example.com', name: 'Orphan Signup', createdAt: '2026-10-02T12:00:00.000Z' }],
    files: files(users),
    assets: assets(users),
    sheets: [
      {
        owner: owner.email,
        id: 'large-orders-sheet',
        title: 'Orders (300,000 rows)',
        network: { ...SHEET_NETWORK },
        tabs: [
          {
            title: 'Orders',
            rows: [['order', 'customer', 'amount', 'quantity']],
            // Every 1,000th row is malformed (no customer, amount "n/a"): 300 rows an import rejects.
            generated: { count: LARGE.sheetRows, cells: ['ORD-{n}', 'customer-{n%2000}', '{n%997}.{n%100}', '{n%50+1}'], invalid: { every: 1000, cells: ['ORD-{n}', '', 'n/a', 'many'] } },
          },
        ],
        source: {
          name: 'Orders (large)',
          sheet: 'Orders',
          targetTable: 'sheet_large_orders',
          columns: [
            { header: 'order', column: 'order_id', type: 'text', required: true },
            { header: 'customer', column: 'customer', type: 'text', required: true },
            { header: 'amount', column: 'amount', type: 'number', required: true },
            { header: 'quantity', column: 'quantity', type: 'integer', required: true },
          ],
        },
      },
    ],
    mail: mail(users),
    faults: [],
  };
}
