import type { SeedUser } from '../tests/emulators/supabase/supabase.emulator';

/**
 * The identity benchmark's two sides, N users each, `drift` (5 %) of them
 * differing, spread evenly over five kinds: name, role, email verified,
 * local only and remote only. Indices 0..N-1 are the users table; the
 * local-only ones (kind 4) are missing in Supabase, which instead has as many
 * remote-only users at indices N.. — so each side holds exactly N.
 */
/**
 * Supabase ids are UUID v4s and emails are whatever users typed: neither follows the listing's
 * order (created_at desc) nor each other. Sequential ids and `user<i>` emails let every index the
 * check writes grow at one end; these are as scattered as real ones, and unique (fmix32 is a
 * bijection, and the index is in the id's last group and the email's local part).
 */
const benchId = (n: number) => `${hex8(scatter(n))}-0000-4000-8000-${String(n).padStart(12, '0')}`;
const benchEmail = (n: number) => `${hex8(scatter(n ^ 0x5bd1e995))}.user${n}@example.com`;

/** MurmurHash3's 32-bit finaliser: a bijection that scatters consecutive integers. */
function scatter(n: number): number {
  let h = n >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

function driftKind(i: number, drift: number): number | null {
  const every = Math.round(1 / drift);
  return i % every === 0 ? Math.floor(i / every) % 5 : null;
}

/** How many users exist on one side only (each side has this many). */
export function oneSidedCount(users: number, drift: number): number {
  let count = 0;
  for (let i = 0; i < users; i++) if (driftKind(i, drift) === 4) count++;
  return count;
}

export function benchRemoteUser(i: number, drift: number, users: number): SeedUser | null {
  const kind = i < users ? driftKind(i, drift) : null;
  if (kind === 4) return null;
  return {
    id: benchId(i),
    email: benchEmail(i),
    user_metadata: { full_name: kind === 0 ? `Renamed ${i}` : `User ${i}` },
    app_metadata: { role: kind === 1 ? 'admin' : 'user' },
    email_confirmed_at: '2026-01-01T00:00:00.000Z',
    created_at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  };
}

/** [id, email, name, email_verified (0/1), role] for SQLite, or null when the row is missing. */
export function benchLocalRow(i: number, drift: number): [string, string, string, number, string] | null {
  const kind = driftKind(i, drift);
  return [benchId(i), benchEmail(i), `User ${i}`, kind === 2 ? 0 : 1, 'user'];
}
