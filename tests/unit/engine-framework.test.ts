import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { demoEngine } from '../../core/engines/demo/demo.engine';
import { EngineRegistry, type Engine } from '../../core/engines/engine';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { makeTempDir } from '../helpers/temp-dir';

/** A small engine that exercises every resource: the app DB, repair selection, audit and state. */
const probeEngine: Engine<{ mode: 'check' | 'repair'; findingIds?: number[] | undefined; all?: boolean | undefined }> = {
  id: 'probe',
  title: 'Probe',
  description: 'test engine',
  phases: [{ id: 'work', label: 'Working', weight: 1 }],
  params: z.strictObject({ mode: z.enum(['check', 'repair']).default('check'), findingIds: z.array(z.number()).optional(), all: z.boolean().optional() }),
  scopeOf: (params) => (params.mode === 'repair' ? 'repair' : 'all'),
  async run(params, { resources, findings }, { progress }) {
    progress.phase('work');
    const { db, mapping } = await resources.appDb();
    const users = await db.query<{ email: string }>(`SELECT "${mapping.users.columns.email}" AS email FROM "${mapping.users.table}" ORDER BY 1`);
    if (params.mode === 'check') {
      for (const user of users) await findings.add({ subject: `user:${user.email}`, userEmail: user.email, kind: 'unverified', reason: 'not verified', proposedAction: 'verify' });
      await resources.state.set('lastCheck', { users: users.length });
      // Findings are buffered: an engine that reads its own findings in the same run flushes them first.
      await findings.flush();
      return { users: users.length, visible: (await resources.findingsForRepair({ all: true })).length };
    }
    const chosen = await resources.findingsForRepair(params);
    for (const finding of chosen) await resources.audit({ action: 'verify', subject: finding.subject, before: { verified: false }, after: { verified: true } });
    await resources.setFindingStatus(chosen.map((f) => f.id), 'repaired');
    return { repaired: chosen.length, lastCheck: await resources.state.get('lastCheck') };
  },
};

describe('engine framework', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let app: TestApp;

  beforeEach(async () => {
    dir = makeTempDir();
    app = await createTestApp({ dataDir: dir.path, engines: new EngineRegistry([probeEngine, demoEngine]) });
  });
  afterEach(async () => {
    await app.close();
    dir.remove();
  });

  async function withAppDb(): Promise<void> {
    const path = join(dir.path, 'product.db');
    const db = openSqliteAppDb({ path, create: true });
    await initCanonicalSchema(db);
    await db.executeMany(`INSERT INTO users (id, email) VALUES (?, ?)`, [['1', 'ada@example.com'], ['2', 'grace@example.com']]);
    await db.close();
    await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path }, secrets: {} });
  }

  it('an engine reads the product database through the appdb connection and its mapping', async () => {
    await withAppDb();
    const run = await app.runs.waitFor((await app.runs.start('probe', {}, 'manual')).runId);
    expect(run).toMatchObject({ state: 'succeeded', result: { users: 2, findings: 2 } });
  });

  it('an engine flushes its buffered findings through the typed sink and reads them in the same run', async () => {
    await withAppDb();
    const run = await app.runs.waitFor((await app.runs.start('probe', {}, 'manual')).runId);
    expect(run).toMatchObject({ state: 'succeeded', result: { findings: 2, visible: 2 } });
  });

  it('without an appdb connection the run fails and says what to do', async () => {
    const run = await app.runs.waitFor((await app.runs.start('probe', {}, 'manual')).runId);
    expect(run).toMatchObject({ state: 'failed', error: { message: 'No product database connection is set up: add one on the Connections page.' } });
  });

  it('a new check updates the open finding of a subject it finds again and supersedes the rest; a repair applies, audits and marks them', async () => {
    await withAppDb();
    const first = await app.runs.waitFor((await app.runs.start('probe', {}, 'manual')).runId);
    const before = await app.store.findings.open('probe');
    const product = openSqliteAppDb({ path: join(dir.path, 'product.db') });
    await product.execute(`DELETE FROM users WHERE id = '2'`);
    await product.close();
    const second = await app.runs.waitFor((await app.runs.start('probe', {}, 'manual')).runId);
    const statuses = async (runId: number) => (await app.store.findings.list({ runId, sort: 'createdAt', direction: 'asc', limit: 10, offset: 0 })).items.map((f) => [f.subject, f.status]);
    // One open finding per subject: ada's was found again and now belongs to the second check, same id.
    expect(await statuses(first!.id)).toEqual([['user:grace@example.com', 'superseded']]);
    expect(await statuses(second!.id)).toEqual([['user:ada@example.com', 'open']]);
    expect((await app.store.findings.open('probe')).map((f) => f.id)).toEqual(before.filter((f) => f.subject === 'user:ada@example.com').map((f) => f.id));

    const [one] = await app.store.findings.open('probe');
    const repair = await app.runs.waitFor((await app.runs.start('probe', { mode: 'repair', findingIds: [one!.id] }, 'cli')).runId);
    expect(repair).toMatchObject({ state: 'succeeded', result: { repaired: 1, lastCheck: { users: 1 } } });
    expect(await statuses(second!.id)).toEqual([['user:ada@example.com', 'repaired']]);
    expect((await app.store.audit.list({ limit: 5, offset: 0 })).items).toMatchObject([{ actor: 'cli', engine: 'probe', runId: repair!.id, action: 'verify', before: { verified: false } }]);
    // A repair run does not supersede anything; a third check opens a new finding for the repaired subject.
    await app.runs.waitFor((await app.runs.start('probe', {}, 'manual')).runId);
    expect((await app.store.findings.open('probe')).map((f) => f.id)).not.toContain(one!.id);
    expect(await app.store.findings.open('probe')).toHaveLength(1);
  });

  it('a repair with nothing chosen fails with a clear message', async () => {
    await withAppDb();
    const run = await app.runs.waitFor((await app.runs.start('probe', { mode: 'repair' }, 'manual')).runId);
    expect(run?.error?.message).toBe('Choose what to repair: finding ids, one user, or all.');
  });

  it('resolved findings older than the retention setting are purged when the app opens; open ones stay', async () => {
    const first = await app.runs.waitFor((await app.runs.start('demo', { items: 2000 }, 'manual')).runId);
    await app.runs.waitFor((await app.runs.start('demo', { items: 2000 }, 'manual')).runId);
    expect((await app.store.findings.list({ runId: first!.id, sort: 'createdAt', direction: 'asc', limit: 5, offset: 0 })).items.every((f) => f.status === 'superseded')).toBe(true);
    await app.store.settings.update({ findingsRetentionDays: 1 }, new Date().toISOString());
    await app.close();
    const later = { now: () => new Date(Date.now() + 2 * 24 * 60 * 60 * 1000) };
    app = await createTestApp({ dataDir: dir.path, engines: new EngineRegistry([probeEngine, demoEngine]), clock: later });
    expect((await app.store.findings.list({ runId: first!.id, sort: 'createdAt', direction: 'asc', limit: 5, offset: 0 })).total).toBe(0);
    expect(await app.store.findings.countOpen('demo')).toBe(2);
  });
});
