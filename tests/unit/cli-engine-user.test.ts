import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { buildProgram, runCli } from '../../core/cli/program';
import type { Engine } from '../../core/engines/engine';
import { toyEngine } from '../fixtures/toy-engine';
import { isProcessAlive } from '../../core/runs/recovery';
import { createEngineRegistry } from '../../core/engines/registry';
import { openStore } from '../../core/store/store';
import { createTestApp } from '../helpers/test-app';
import { pricingSpec } from '../integration/sheet-import-harness';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * `--user` means one thing for every engine (issue 17): a user id or an email
 * (any case) of the product database's users table, resolved once by the CLI
 * and handed over in the form the engine's params take: an id for
 * storage-orphans and mail-import, an email for identity and media-import.
 * Runs are queued with --no-wait and read back from the store: what matters
 * here is what reached the engine, not what the run then did.
 */
const dir = makeTempDir();
const dataDir = join(dir.path, 'console');
let sheetSourceId = 0;

beforeAll(async () => {
  const productDb = join(dir.path, 'product.db');
  const db = openSqliteAppDb({ path: productDb, create: true });
  await initCanonicalSchema(db);
  await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [
    ['u-ada', 'Ada@Example.com', 'Ada', 1, 'user'],
    ['42', 'grace@example.com', 'Grace', 1, 'user'],
    // Two rows whose emails differ in case only: the exact spelling picks one, any other is ambiguous.
    ['u-bo-1', 'Bo@example.com', 'Bo', 1, 'user'],
    ['u-bo-2', 'bo@example.com', 'Bo too', 1, 'user'],
  ]);
  await db.close();
  const app = await createTestApp({ dataDir });
  await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: productDb }, secrets: {} } as never);
  sheetSourceId = (await app.handlers['sheets.sources.create'](pricingSpec(), { actor: 'manual' }) as { id: number }).id;
  await app.close();
});
afterAll(() => dir.remove());

/** Runs the CLI in this process (headless secrets) and captures what it prints. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  vi.stubEnv('SYNCWARDEN_SECRETS', 'env');
  process.exitCode = undefined;
  try {
    const code = await runCli(['--data-dir', dataDir, ...args]);
    return { code, stdout, stderr };
  } finally {
    process.exitCode = undefined;
    vi.unstubAllEnvs();
    out.mockRestore();
    err.mockRestore();
  }
}

/** Waits (bounded) for a --no-wait background process to end with its run; kills it if it does not. */
async function endBackground(pid: number): Promise<void> {
  const alive = () => isProcessAlive(pid);
  for (let waited = 0; alive() && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  if (alive()) process.kill(pid, 'SIGKILL');
}

/** Queues a run without waiting and returns the params and scope it was stored with. */
async function queued(...args: string[]): Promise<{ params: Record<string, unknown>; scope: string }> {
  const result = await cli('--json', ...args, '--no-wait');
  expect(result.code, result.stderr).toBe(0);
  const { runId, pid } = JSON.parse(result.stdout) as { runId: number; pid?: number };
  // --no-wait handed the run to a background process (core/cli/background-run.ts): it ends with its run, or here.
  if (pid !== undefined) await endBackground(pid);
  const store = await openStore(dataDir);
  try {
    const run = await store.runs.get(runId);
    return { params: run?.params ?? {}, scope: run?.scope ?? '' };
  } finally {
    await store.close();
  }
}

const runCount = async () => {
  const store = await openStore(dataDir);
  try {
    return (await store.runs.list({ limit: 1, offset: 0 })).total;
  } finally {
    await store.close();
  }
};

describe('syncwarden <command> <engine> --user: one meaning, the form each engine takes', () => {
  it('an email in any case or an id reaches storage-orphans and mail-import as the user id', async () => {
    expect(await queued('check', 'storage-orphans', '--user', 'ada@EXAMPLE.com', '--provider', 'drive')).toMatchObject({ params: { user: 'u-ada', provider: 'google' }, scope: 'user:u-ada:google' });
    expect((await queued('check', 'storage-orphans', '--user', 'u-ada')).params).toMatchObject({ user: 'u-ada' });
    expect((await queued('import', 'mail-import', '--user', 'GRACE@example.com')).params).toMatchObject({ mode: 'import', user: '42' });
    expect((await queued('import', 'mail-import', '--user', '42')).params).toMatchObject({ user: '42' });
  });

  it('an id or an email reaches identity and media-import as the email the users table holds', async () => {
    expect((await queued('check', 'identity', '--user', 'u-ada')).params).toMatchObject({ mode: 'check', user: 'Ada@Example.com' });
    expect((await queued('check', 'identity', '--user', 'ada@example.com')).params).toMatchObject({ user: 'Ada@Example.com' });
    expect((await queued('check', 'media-import', '--user', '42')).params).toMatchObject({ user: 'grace@example.com' });
    // identity also knows users only in Supabase Auth: an email the users table lacks is handed over as given.
    expect((await queued('check', 'identity', '--user', 'stray@example.com')).params).toMatchObject({ user: 'stray@example.com' });
  });

  it('an unknown user is a usage error naming the value, and nothing runs', async () => {
    const before = await runCount();
    const byEmail = await cli('check', 'storage-orphans', '--user', 'nobody@example.com');
    expect(byEmail.code).toBe(2);
    expect(byEmail.stderr).toMatch(/^syncwarden: no user "nobody@example\.com" in the product database/);
    const byId = await cli('--json', 'check', 'identity', '--user', 'u-nobody');
    expect(byId.code).toBe(2);
    expect(JSON.parse(byId.stderr)).toMatchObject({ error: { code: 'invalid-input', message: expect.stringContaining('"u-nobody"') } });
    expect((await cli('import', 'mail-import', '--user', 'nobody@example.com')).code).toBe(2);
    expect((await cli('check', 'media-import', '--user', 'stray@example.com')).code).toBe(2);
    const ambiguous = await cli('check', 'storage-orphans', '--user', 'BO@example.com');
    expect(ambiguous).toMatchObject({ code: 2, stderr: expect.stringContaining('"BO@example.com" is the email of several users') });
    expect(await runCount()).toBe(before);
    expect((await queued('check', 'storage-orphans', '--user', 'bo@example.com')).params).toMatchObject({ user: 'u-bo-2' });
  });

  it('schedules add takes the same --user and keeps the user id in the schedule scope', async () => {
    const added = await cli('--json', 'schedules', 'add', '--engine', 'storage-orphans', '--every', '60', '--user', 'ADA@example.com', '--provider', 'drive');
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ scope: { kind: 'provider', userId: 'u-ada', provider: 'google' } });
    const unknown = await cli('schedules', 'add', '--engine', 'mail-import', '--every', '60', '--user', 'nobody@example.com');
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('no user "nobody@example.com"') });
    // The listing says who the id is.
    const listed = await cli('schedules', 'list', '--origin', 'console');
    expect(listed.stdout).toMatch(/storage-orphans +user u-ada <Ada@Example\.com> \(drive\)/);
    const byId = await cli('schedules', 'add', '--engine', 'mail-import', '--every', '30', '--user', 'u-ada');
    expect(byId.stdout).toMatch(/^Added schedule \d+: mail-import user u-ada <Ada@Example\.com>, every 30 minutes/);
  });

  it('options and commands an engine does not declare are usage errors', async () => {
    const provider = await cli('check', 'identity', '--user', 'u-ada', '--provider', 'drive');
    expect(provider).toMatchObject({ code: 2, stderr: 'syncwarden: --provider is not an option of identity\n' });
    expect(await cli('check', 'sheet-import', '--user', 'u-ada')).toMatchObject({ code: 2, stderr: 'syncwarden: sheet-import takes no --user\n' });
    expect(await cli('import', 'identity')).toMatchObject({ code: 2, stderr: 'syncwarden: identity has no import command (it answers: check, repair, validate)\n' });
    // An unknown engine is still the host's to refuse.
    const unknown = await cli('--json', 'check', 'nope', '--user', 'u-ada');
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stderr)).toMatchObject({ error: { code: 'not-found' } });
  });

  it('help describes --user once for every engine and names the engines of each option', async () => {
    const help = await cli('check', '--help');
    expect(help.code).toBe(0);
    const text = help.stdout.replace(/\s+/g, ' '); // commander wraps long lines
    expect(text).toContain('--user <user> only this user: a user id or an email of the product database');
    expect(text).toContain('--provider <provider> storage-orphans: only this provider of --user (drive or dropbox)');
  });
});

describe('engine commands are built from the descriptors', () => {
  it("a toy engine's commands and own option come from its cli part alone", () => {
    const toy: Engine = {
      ...(toyEngine as Engine),
      id: 'toy-sync',
      cli: { commands: ['check', 'import'], user: { as: 'id' }, options: [{ flags: '--shelf <name>', description: 'only this shelf', params: (value) => ({ shelf: value }) }] },
    };
    const program = buildProgram([...createEngineRegistry().list(), toy]);
    const help = (name: string) => (program.commands.find((command) => command.name() === name)?.helpInformation() ?? '').replace(/\s+/g, ' ');
    expect(help('check')).toContain('--shelf <name> toy-sync: only this shelf');
    expect(help('check')).toContain('engine id (identity, media-import, sheet-import, storage-orphans, mail-import, toy-sync)');
    expect(help('import')).toContain('engine id (sheet-import, mail-import, toy-sync)');
  });
});

describe('syncwarden revert: the engine whose change it is undoes it', () => {
  it('a run or audit entry that does not exist, or of an engine that does not revert, is a usage error', async () => {
    expect(await cli('revert', '--run', '999', '--yes')).toMatchObject({ code: 2, stderr: 'syncwarden: there is no run 999\n' });
    expect(await cli('revert', '--audit', '999')).toMatchObject({ code: 2, stderr: 'syncwarden: there is no audit entry 999\n' });
    const { runId, pid } = JSON.parse((await cli('--json', 'check', 'storage-orphans', '--no-wait')).stdout) as { runId: number; pid?: number };
    if (pid !== undefined) await endBackground(pid);
    expect(await cli('revert', '--run', String(runId))).toMatchObject({ code: 2, stderr: `syncwarden: run ${runId} is of storage-orphans, whose changes syncwarden revert does not undo\n` });
  });

  it('without --yes it states what the run revert would undo', async () => {
    const { runId, pid } = JSON.parse((await cli('--json', 'check', 'identity', '--no-wait')).stdout) as { runId: number; pid?: number };
    if (pid !== undefined) await endBackground(pid);
    expect(await cli('revert', '--run', String(runId))).toMatchObject({ code: 2, stderr: `syncwarden: revert would undo 0 identity change(s) of run ${runId} (none) on both sides; add --yes to confirm.\n` });
  });
});

describe('syncwarden import|check sheet-import --source ID', () => {
  it('takes the source as the Sheets page has it now, in the mode asked, and refuses an unknown source', async () => {
    const check = await queued('check', 'sheet-import', '--source', String(sheetSourceId));
    expect(check.params).toMatchObject({ mode: 'check', sourceId: sheetSourceId, source: { name: 'Pricing', targetTable: 'sheet_pricing' } });
    expect(check.scope).toBe(`source:${sheetSourceId}:check`);
    const imported = await queued('import', 'sheet-import', '--source', String(sheetSourceId));
    expect(imported.params).toMatchObject({ mode: 'import', sourceId: sheetSourceId, source: { spreadsheetId: 'pricing' } });
    const before = await runCount();
    const unknown = await cli('check', 'sheet-import', '--source', '999');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('there is no sheet source 999');
    expect(await runCount()).toBe(before);
  });
});
