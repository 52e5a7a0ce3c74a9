import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../core/store/database';
import { MIGRATIONS, migrationSql } from '../../core/store/migrations';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir();
afterAll(() => dir.remove());

it('migration 7 adds the partial run state without losing the rows that reference runs', () => {
  const file = join(dir.path, 'console.db');
  // A store as version 6 left it, with a run, its event, a finding and an audit entry.
  const old = new Database(file);
  old.pragma('foreign_keys = ON');
  for (const m of MIGRATIONS.filter((m) => m.version <= 6)) old.exec(migrationSql(m, 'sqlite'));
  old.pragma('user_version = 6');
  old.prepare(`INSERT INTO runs (engine, scope, state, trigger, owner_pid, heartbeat_at, created_at) VALUES ('identity','all','succeeded','manual',1,'t','t')`).run();
  old.prepare(`INSERT INTO run_events (run_id, at, kind, message) VALUES (1,'t','state','succeeded')`).run();
  old.prepare(`INSERT INTO findings (run_id, engine, subject, kind, reason, proposed_action, created_at, updated_at) VALUES (1,'identity','user:a','local-only','r','p','t','t')`).run();
  old.close();

  const db = openDatabase(file);
  expect(schemaVersion(db)).toBeGreaterThanOrEqual(7);
  expect(db.prepare('SELECT count(*) AS n FROM run_events').get()).toEqual({ n: 1 });
  expect(db.prepare('SELECT count(*) AS n FROM findings').get()).toEqual({ n: 1 });
  db.prepare(`UPDATE runs SET state = 'partial' WHERE id = 1`).run();
  expect(() => db.prepare(`UPDATE runs SET state = 'bogus' WHERE id = 1`).run()).toThrow(/CHECK/);
  // Foreign keys still hold and still point at the rebuilt table.
  expect(() => db.prepare(`INSERT INTO run_events (run_id, at, kind, message) VALUES (99,'t','state','x')`).run()).toThrow(/FOREIGN KEY/);
  expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  // The single-flight index is back: two active runs of one scope are refused.
  const active = db.prepare(`INSERT INTO runs (engine, scope, state, trigger, owner_pid, heartbeat_at, created_at) VALUES ('identity','all','running','manual',1,'t','t')`);
  active.run();
  expect(() => active.run()).toThrow(/UNIQUE/);
  db.close();
});
