import { rmSync } from 'node:fs';
import type { AppDbAdapter, SqlValue } from '../../core/appdb/adapter';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { videoThumbnailUrl } from '../../core/connectors/cloudinary/cloudinary-thumbnail';
import { dropboxRefreshToken, googleRefreshToken, mediaAssets, storageFiles, type Person } from './demo-seeds';

/**
 * The demo's embedded app database: the canonical schema filled from the demo
 * people, including rows that no longer match the services (see demo-seeds.ts).
 * Rebuilt on every demo start so the drift is always there to find. With `thumbnails`, a media row's
 * thumbnail points at the Cloudinary emulator's placeholder, so the Media page has no broken image offline.
 */
export async function buildDemoAppDb(path: string, people: Person[], thumbnails?: { cloudName: string; deliveryBase: string }): Promise<void> {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  const db = openSqliteAppDb({ path, create: true });
  try {
    await initCanonicalSchema(db);
    await db.transaction(async (tx) => {
      await insert(tx, 'users', ['id', 'email', 'name', 'email_verified', 'role', 'created_at', 'updated_at'], people.map((p) => [p.id, p.email, p.name, p.emailVerified, p.role, p.createdAt, p.createdAt]));
      await insert(tx, 'user_sync_settings', ['user_id', 'auto_sync', 'delete_after_sync', 'sync_interval_minutes'], people.map((p, i) => [p.id, i % 5 !== 4, i % 2 === 0, 360]));
      await insert(
        tx,
        'storage_accounts',
        ['id', 'user_id', 'provider', 'access_token', 'refresh_token', 'token_expires_at', 'needs_reconnect'],
        people.flatMap((p) => p.storage.map((provider) => [`${provider}-${p.id}`, p.id, provider, null, provider === 'google' ? googleRefreshToken(p) : dropboxRefreshToken(p), null, false])),
      );
      await insert(
        tx,
        'files',
        ['id', 'user_id', 'provider', 'provider_file_id', 'name', 'size', 'created_at'],
        people.flatMap((p, i) =>
          p.storage.flatMap((provider) =>
            storageFiles(p, i, provider).map((f) => [`file-${f.id}`, p.id, provider, provider === 'google' ? f.id : `id:${f.id}`, f.name, f.size, p.createdAt]),
          ),
        ),
      );
      const owner = new Map(people.map((p) => [p.email, p.id]));
      const media = mediaAssets(people).filter((a) => !a.missingRow);
      const rowOf = (a: (typeof media)[number]) => {
        const email = a.folder.split('/')[2] as string;
        return [`row-${a.publicId}`, owner.get(email) ?? null, a.publicId ?? a.filename, a.filename, null, thumbnails && a.publicId ? videoThumbnailUrl(thumbnails.cloudName, a.publicId, { deliveryBase: thumbnails.deliveryBase }) : null, a.duration ?? null, a.bytes ?? null, a.createdAt ?? null];
      };
      const mediaColumns = ['id', 'user_id', 'public_id', 'title', 'secure_url', 'thumbnail_url', 'duration_seconds', 'bytes', 'created_at'];
      await insert(tx, 'videos', mediaColumns, media.filter((a) => a.folder.endsWith('/videos')).map(rowOf));
      await insert(tx, 'clips', mediaColumns, media.filter((a) => a.folder.endsWith('/clips')).map(rowOf));
      await insert(tx, 'mail_settings', ['user_id', 'enabled', 'interval_minutes'], people.map((p) => [p.id, p.mail.enabled, p.mail.intervalMinutes]));
    });
  } finally {
    await db.close();
  }
}

async function insert(tx: Pick<AppDbAdapter, 'executeMany'>, table: string, columns: string[], rows: SqlValue[][]): Promise<void> {
  if (rows.length === 0) return;
  const sql = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
  await tx.executeMany(sql, rows);
}
