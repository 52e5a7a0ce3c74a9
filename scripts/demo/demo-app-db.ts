import { rmSync } from 'node:fs';
import type { AppDbAdapter, SqlValue } from '../../core/appdb/adapter';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { videoThumbnailUrl } from '../../core/connectors/cloudinary/cloudinary-thumbnail';
import { dropboxRefreshToken, filesByUser, googleRefreshToken, mediaAssets } from './demo-seeds';
import { fileRowId, type World } from './world-schema';

/**
 * The demo's embedded app database: the canonical schema filled from the demo
 * world's users, including rows that no longer match the services (the world's drift).
 * Rebuilt on every demo start so the drift is always there to find. With `thumbnails`, a media row's
 * thumbnail points at the Cloudinary emulator's placeholder, so the Media page has no broken image offline.
 */
export async function buildDemoAppDb(path: string, world: World, thumbnails?: { cloudName: string; deliveryBase: string }): Promise<void> {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  const db = openSqliteAppDb({ path, create: true });
  try {
    await initCanonicalSchema(db);
    await db.transaction(async (tx) => {
      const people = world.users;
      await insert(tx, 'users', ['id', 'email', 'name', 'email_verified', 'role', 'created_at', 'updated_at'], people.map((p) => [p.id, p.email, p.name, p.emailVerified, p.role, p.createdAt, p.createdAt]));
      await insert(
        tx,
        'user_sync_settings',
        ['user_id', 'auto_sync', 'delete_after_sync', 'sync_interval_minutes'],
        people.map((p) => [p.id, p.syncSettings.autoSync, p.syncSettings.deleteAfterSync, p.syncSettings.intervalMinutes]),
      );
      await insert(
        tx,
        'storage_accounts',
        ['id', 'user_id', 'provider', 'access_token', 'refresh_token', 'token_expires_at', 'needs_reconnect'],
        people.flatMap((p) => p.storage.map((provider) => [`${provider}-${p.id}`, p.id, provider, null, provider === 'google' ? googleRefreshToken(world, p) : dropboxRefreshToken(world, p), null, false])),
      );
      const byEmail = new Map(people.map((p) => [p.email, p]));
      // In user order, then provider, as the product would have written them.
      const owned = { google: filesByUser(world.files.google), dropbox: filesByUser(world.files.dropbox) };
      await insert(
        tx,
        'files',
        ['id', 'user_id', 'provider', 'provider_file_id', 'name', 'size', 'created_at'],
        people.flatMap((p) =>
          p.storage.flatMap((provider) =>
            (owned[provider].get(p.email) ?? []).filter((f) => f.row).map((f) => [fileRowId(f), p.id, provider, f.id, f.name, f.size, p.createdAt]),
          ),
        ),
      );
      const media = mediaAssets(world).filter((a) => !a.missingRow);
      const rowOf = (a: (typeof media)[number]) => {
        return [`row-${a.publicId}`, byEmail.get(a.user)?.id ?? null, a.publicId ?? a.filename, a.filename, null, thumbnails && a.publicId ? videoThumbnailUrl(thumbnails.cloudName, a.publicId, { deliveryBase: thumbnails.deliveryBase }) : null, a.duration ?? null, a.bytes ?? null, a.createdAt ?? null];
      };
      const mediaColumns = ['id', 'user_id', 'public_id', 'title', 'secure_url', 'thumbnail_url', 'duration_seconds', 'bytes', 'created_at'];
      await insert(tx, 'videos', mediaColumns, media.filter((a) => a.kind === 'video').map(rowOf));
      await insert(tx, 'clips', mediaColumns, media.filter((a) => a.kind === 'clip').map(rowOf));
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
