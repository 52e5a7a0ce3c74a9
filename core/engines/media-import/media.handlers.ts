import type { MediaImported, MediaOverview, MediaRow, MediaUserCounts } from '../../api/media';
import type { Finding } from '../../api/models';
import { quoteIdent, quoteTable } from '../../appdb/identifiers';
import { ProductDbUnavailable, type ProductDb } from '../../appdb/product-db';
import type { EngineHost } from '../engine';
import type { HandlerTable } from '../engine-policies';
import { ENGINE_ID, FINDING_KINDS, MEDIA_KINDS, tableOf, type MediaKind } from './media-model';
import { readBudget, readSummary } from './media-state';

type MediaMethods = 'media.overview' | 'media.imported';

/**
 * The Media page's reads. Counts and the budget come from what the
 * media-import engine keeps (engine state, findings): showing the page never
 * spends any of the hourly Cloudinary budget.
 */
export function createMediaHandlers(host: EngineHost): Pick<HandlerTable, MediaMethods> {
  const state = { get: <T>(key: string) => host.store.engineState.get<T>(ENGINE_ID, key) };
  return {
    'media.overview': async (): Promise<MediaOverview> => {
      const summary = await readSummary(state);
      const users = new Map<string, MediaUserCounts>();
      // Emails match case-insensitively: folders spelt `Ada@x` and `ada@x` are one user's, counted together.
      const user = (email: string) => {
        const known = users.get(email.toLowerCase()) ?? { email, videos: 0, clips: 0, missing: 0, mismatched: 0 };
        users.set(email.toLowerCase(), known);
        return known;
      };
      for (const [email, counts] of Object.entries(summary?.users ?? {})) {
        const known = user(email);
        known.videos += counts.videos;
        known.clips += counts.clips;
      }
      const byKind: Record<string, number> = {};
      let open = 0;
      for (const { userEmail, kind, n } of await host.store.findings.openCountsByUserAndKind(ENGINE_ID)) {
        open += n;
        byKind[kind] = (byKind[kind] ?? 0) + n;
        if (userEmail === null) continue;
        if (kind === FINDING_KINDS.missingInDb) user(userEmail).missing += n;
        if (kind === FINDING_KINDS.mismatch) user(userEmail).mismatched += n;
      }
      return {
        checkedAt: summary?.checkedAt ?? null,
        users: [...users.values()].sort((a, b) => a.email.localeCompare(b.email)),
        budget: await readBudget(state) ?? null,
        findings: { open, byKind },
      };
    },
    'media.imported': ({ limit }) => imported(host, limit),
  };
}

/**
 * The rows the latest imports inserted: the public ids of recently repaired
 * missing-in-DB findings, read back from the product database through the
 * mapping, so the page shows what the product itself now holds.
 */
async function imported(host: EngineHost, limit: number): Promise<MediaImported> {
  const repaired = (await host.store.findings.list({ engine: ENGINE_ID, status: 'repaired', kind: FINDING_KINDS.missingInDb, sort: 'createdAt', direction: 'desc', limit, offset: 0 })).items;
  if (repaired.length === 0) return { rows: [], unavailable: null };
  let product: ProductDb;
  try {
    product = await host.connections.openAppDb();
  } catch (error) {
    // No product database to read them back from: the page says so instead of failing.
    if (error instanceof ProductDbUnavailable) return { rows: [], unavailable: error.message };
    throw error;
  }
  const { db, mapping } = product;
  try {
    const wanted = new Map(repaired.map((f) => [publicIdOf(f), f] as const).filter((e): e is [string, Finding] => e[0] !== undefined));
    const rows: MediaRow[] = [];
    for (const kind of MEDIA_KINDS) {
      const ids = [...wanted.keys()];
      const entity = mapping[tableOf(kind)];
      const c = entity.columns;
      const found = await db.query(
        `SELECT ${quoteIdent(c.id)} AS id, ${quoteIdent(c.userId)} AS user_id, ${quoteIdent(c.publicId)} AS public_id, ${quoteIdent(c.title)} AS title, ${quoteIdent(c.thumbnailUrl)} AS thumbnail_url, ${quoteIdent(c.secureUrl)} AS secure_url, ${quoteIdent(c.durationSeconds)} AS duration, ${quoteIdent(c.bytes)} AS bytes, ${quoteIdent(c.createdAt)} AS created_at FROM ${quoteTable(entity.table)} WHERE ${quoteIdent(c.publicId)} IN (${ids.map(() => '?').join(', ')})`,
        ids,
      );
      for (const r of found) rows.push(toRow(kind, r, wanted.get(String(r.public_id))));
    }
    rows.sort((a, b) => b.importedAt.localeCompare(a.importedAt) || a.publicId.localeCompare(b.publicId));
    return { rows, unavailable: null };
  } finally {
    await db.close();
  }
}

const publicIdOf = (finding: Finding): string | undefined => {
  const asset = finding.details?.asset as { publicId?: unknown } | undefined;
  return typeof asset?.publicId === 'string' ? asset.publicId : undefined;
};

const text = (value: unknown) => (value == null ? null : String(value));
const num = (value: unknown) => (value == null ? null : Number(value));

function toRow(kind: MediaKind, r: Record<string, unknown>, finding: Finding | undefined): MediaRow {
  return {
    kind,
    id: String(r.id),
    userId: String(r.user_id),
    publicId: String(r.public_id),
    title: text(r.title),
    thumbnailUrl: text(r.thumbnail_url),
    secureUrl: text(r.secure_url),
    durationSeconds: num(r.duration),
    bytes: num(r.bytes),
    createdAt: text(r.created_at),
    importedAt: finding?.updatedAt ?? '',
    userEmail: finding?.userEmail ?? null,
  };
}
