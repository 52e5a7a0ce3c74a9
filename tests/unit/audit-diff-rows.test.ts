import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { resolveMapping } from '../../core/appdb/mapping';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { engineInfo } from '../../core/engines/engine';
import { LocalUsers } from '../../core/engines/identity/identity-local';
import { storageOrphansEngine } from '../../core/engines/storage-orphans';
import { FileQuarantine } from '../../core/engines/storage-orphans/storage-quarantine';
import { diffAudit } from '../../renderer/src/lib/audit-diff';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir();
afterAll(() => dir.remove());

/**
 * The audit diff of the images the engines really write (walk finding 5): a storage quarantine's
 * before-image is the moved rows, each with its whole-row image; an identity delete keeps the users
 * row whole. They read as one line per row and the changed columns, never as `[0].image.columns.id.type`.
 */
describe('audit diff of real row images', () => {
  it('a storage quarantine reads "row f-77 of files: quarantined; file “Q3 report.pdf”", the row on request, secrets masked', async () => {
    const db = openSqliteAppDb({ path: join(dir.path, 'q.db'), create: true });
    await initCanonicalSchema(db);
    await db.execute('ALTER TABLE files ADD COLUMN share_token TEXT');
    await db.execute('ALTER TABLE files ADD COLUMN thumbnail BLOB');
    await db.execute(
      "INSERT INTO files (id, user_id, provider, provider_file_id, name, size, created_at, share_token, thumbnail) VALUES ('f-77', 'u-1', 'google', 'g-77', 'Q3 report.pdf', 2048, '2026-01-02T03:04:05.000Z', 'tok-secret-77', x'00010203')",
    );
    await db.execute("INSERT INTO files (id, user_id, provider, provider_file_id, name) VALUES ('f-78', 'u-1', 'dropbox', 'id:d-78', 'Budget.xlsx')");
    const purgeAfter = '2026-12-16T10:00:00.000Z';
    const rows = await new FileQuarantine(db, resolveMapping()).quarantine(['f-77', 'f-78'], { quarantinedAt: '2026-12-02T10:00:00.000Z', purgeAfter, reason: 'orphan', runId: 7 });
    await db.close();
    expect(rows[0]?.image).toBeDefined();
    // As storage-repair.ts writes the entry; the spec as the engine declares it in app.info.
    const before = JSON.parse(JSON.stringify(rows)) as unknown;
    const after = { table: 'file_quarantine', purgeAfter };
    const spec = engineInfo(storageOrphansEngine).ui.auditRows['quarantine-files'];
    const view = diffAudit(before, after, spec);

    expect(view.rows.map((r) => [r.title, r.kind, r.changes.length])).toEqual([
      ['row f-77 of files: quarantined; file “Q3 report.pdf”', 'removed', 0],
      ['row f-78 of files: quarantined; file “Budget.xlsx”', 'removed', 0],
    ]);
    // The whole row as it was, by its real column names, plain values: no `image.columns.id.type` paths.
    const columns = Object.fromEntries((view.rows[0]?.columns ?? []).map((c) => [c.path, c.before]));
    expect(columns).toMatchObject({ id: 'f-77', user_id: 'u-1', provider_file_id: 'g-77', name: 'Q3 report.pdf', size: '2048', thumbnail: '(binary, 4 bytes)' });
    expect(Object.keys(columns).some((path) => /image|\.type|\[0\]/.test(path))).toBe(false);
    expect(columns.share_token).toMatch(/hidden/);
    expect(JSON.stringify(view)).not.toContain('tok-secret-77');
    // The quarantine's destination reads as two fields, not 368 removed ones.
    expect(view.fields.map((f) => [f.path, f.kind, f.after])).toEqual([
      ['table', 'added', 'file_quarantine'],
      ['purgeAfter', 'added', purgeAfter],
    ]);
  });

  it('an identity repair: changed fields by name, a deleted users row kept whole reads as its columns, its password hash masked', async () => {
    const db = openSqliteAppDb({ path: join(dir.path, 'u.db'), create: true });
    await initCanonicalSchema(db);
    await db.execute('ALTER TABLE users ADD COLUMN password_hash TEXT');
    await db.execute("INSERT INTO users (id, email, name, email_verified, role, password_hash) VALUES ('u-9', 'cy@example.com', 'Cy', 1, 'user', '$2b$10$secret-hash')");
    const local = new LocalUsers(db, resolveMapping().users);
    const record = await local.get('u-9');
    const localRow = await local.deleteWhole('u-9');
    await db.close();
    // identity-repair.ts: before { local, remote, localRow } for a delete-local, after the sides as they are.
    const view = diffAudit({ local: record, remote: null, localRow }, { local: null, remote: null });
    expect(view.rows).toEqual([]);
    const byPath = Object.fromEntries(view.fields.map((f) => [f.path, f]));
    expect(byPath['local.email']).toMatchObject({ kind: 'removed', before: 'cy@example.com' });
    expect(byPath['localRow.email']).toMatchObject({ kind: 'removed', before: 'cy@example.com' });
    expect(byPath['localRow.password_hash']).toMatchObject({ kind: 'removed', secret: true });
    expect(view.fields.some((f) => /localRow\.(format|dialect|columns)/.test(f.path))).toBe(false);
    expect(JSON.stringify(view)).not.toContain('secret-hash');

    // A rename put back: one changed field, old → new.
    const renamed = diffAudit({ local: record, remote: { ...record, name: 'Renamed' } }, { local: record, remote: record });
    expect(renamed.fields.filter((f) => f.kind !== 'unchanged').map((f) => [f.path, f.before, f.after])).toEqual([['remote.name', 'Renamed', 'Cy']]);
  });

  it('rows on both sides show only the columns that changed, before → after', () => {
    const view = diffAudit([{ id: 3, name: 'a.txt', size: 1 }], [{ id: 3, name: 'a.txt', size: 2 }, { id: 4, name: 'b.txt' }]);
    expect(view.rows.map((r) => [r.title, r.kind, r.changes.map((c) => `${c.path}: ${c.before} → ${c.after}`)])).toEqual([
      ['row 3: changed; “a.txt”', 'changed', ['size: 1 → 2']],
      ['row 4: added; “b.txt”', 'added', []],
    ]);
  });
});
