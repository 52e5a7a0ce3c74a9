import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Run } from '../../core/api/models';
import { EngineRegistry, type Engine } from '../../core/engines/engine';
import { Count, EngineResultBase, engineResult, readRunResult } from '../../core/engines/engine-result';
import { MAX_FAILED_ITEMS } from '../../core/engines/failed-items';
import { BUILTIN_ENGINES } from '../../core/engines/registry';
import { checkResult } from '../../core/engines/result-check';
import { Prng } from '../helpers/prng';
import { createTestApp, type TestApp } from '../helpers/test-app';

type ToyParams = { mode: 'check' | 'repair' | 'undeclared'; result?: unknown; finding?: boolean | undefined; scope: string };

const ToyParams = z.strictObject({
  mode: z.enum(['check', 'repair', 'undeclared']).default('check'),
  /** What the engine returns, as given. */
  result: z.unknown(),
  finding: z.boolean().optional(),
  scope: z.string().default('all'),
});

const toyModes = {
  check: { result: engineResult({ n: Count }) },
  repair: { result: engineResult({ n: Count, itemsFailed: Count }) },
};

/** Returns whatever its params say, so a test chooses every result; `undeclared` is a mode its params accept but its modes lack. */
const toyEngine: Engine<ToyParams> = {
  id: 'toy',
  title: 'Toy',
  description: 'returns the result it is given',
  phases: [{ id: 'work', label: 'Working', weight: 1 }],
  params: ToyParams as z.ZodType<ToyParams, Record<string, unknown>>,
  scopeOf: (params) => params.scope,
  modes: toyModes,
  async run(params, { findings }) {
    if (params.finding) await findings.add({ subject: 'thing:1', kind: 'drift', reason: 'differs', proposedAction: 'none' });
    return params.result as Record<string, unknown>;
  },
};

/** The same, declaring no modes: held to the shared base alone. */
const bareEngine: Engine<ToyParams> = { ...toyEngine, id: 'bare', title: 'Bare', modes: undefined };

describe('run-manager validates every result against its mode’s schema', () => {
  let app: TestApp;

  beforeEach(async () => {
    app = await createTestApp({ engines: new EngineRegistry([toyEngine, bareEngine]) });
  });
  afterEach(() => app.dispose());

  async function run(engine: string, params: Record<string, unknown>): Promise<Run> {
    const { runId } = await app.runs.start(engine, params, 'manual');
    const ended = await app.runs.waitFor(runId);
    if (!ended) throw new Error(`run ${runId} vanished`);
    return ended;
  }

  it('a valid result succeeds, stored as returned plus the mode that ran and the findings count', async () => {
    const ended = await run('toy', { result: { n: 3, extra: { kept: [1, 2] } } });
    expect(ended).toMatchObject({ state: 'succeeded', error: null });
    expect(ended.result).toEqual({ n: 3, extra: { kept: [1, 2] }, mode: 'check', findings: 0 });
  });

  it('a result that breaks its schema ends failed with invalid-result naming the field, and keeps what the engine said', async () => {
    const ended = await run('toy', { mode: 'repair', result: { n: 1, itemsFailed: '2' } });
    expect(ended.state).toBe('failed');
    expect(ended.error?.code).toBe('invalid-result');
    expect(ended.error?.message).toContain('itemsFailed');
    expect(ended.result).toEqual({ mode: 'repair', findings: 0, rejectedResult: { n: 1, itemsFailed: '2' } });
    expect((await app.store.runEvents.list(ended.id)).filter((e) => e.kind === 'state').map((e) => e.message)).toContain('failed');
  });

  it('a result that is not an object at all fails the run', async () => {
    for (const result of [null, [1, 2], 'done', 7]) {
      const ended = await run('toy', { result, scope: `s:${JSON.stringify(result)}` });
      expect(ended).toMatchObject({ state: 'failed', error: { code: 'invalid-result' } });
    }
  });

  it('a mode the engine declares no result schema for fails the run instead of passing unchecked', async () => {
    const ended = await run('toy', { mode: 'undeclared', result: { n: 1 } });
    expect(ended).toMatchObject({ state: 'failed', error: { code: 'invalid-result' } });
    expect(ended.error?.message).toContain('no result schema for mode "undeclared"');
  });

  it('a result that names another mode than the one that ran fails the run', async () => {
    const ended = await run('toy', { mode: 'check', result: { n: 1, mode: 'repair' } });
    expect(ended).toMatchObject({ state: 'failed', error: { code: 'invalid-result' } });
  });

  it('failed items listed but not counted (or counted below the list) fail the run: they could not end succeeded', async () => {
    const ended = await run('toy', { result: { n: 1, failedItems: [{ item: 'a', reason: 'refused' }] } });
    expect(ended).toMatchObject({ state: 'failed', error: { code: 'invalid-result' } });
    expect(ended.error?.message).toContain('itemsFailed');
  });

  it('a check whose result fails its schema supersedes no earlier finding', async () => {
    const first = await run('toy', { result: { n: 1 }, finding: true });
    expect(first.state).toBe('succeeded');
    const open = async () => (await app.store.findings.list({ status: 'open', sort: 'createdAt', direction: 'desc', limit: 10, offset: 0 })).items;
    expect((await open()).map((f) => f.runId)).toEqual([first.id]);
    const bad = await run('toy', { result: { n: -1 } });
    expect(bad.state).toBe('failed');
    expect((await open()).map((f) => f.runId)).toEqual([first.id]);
  });

  it('an engine that declares no modes is held to the shared base', async () => {
    expect(await run('bare', { result: { anything: 'goes', itemsFailed: 0 } })).toMatchObject({ state: 'succeeded', result: { anything: 'goes', mode: 'check' } });
    expect(await run('bare', { result: { itemsFailed: 1.5 }, scope: 'b' })).toMatchObject({ state: 'failed', error: { code: 'invalid-result' } });
    expect(await run('bare', { result: { needsReconnect: [{ userId: 'u1', email: null, provider: 'icloud' }] }, scope: 'c' })).toMatchObject({ state: 'failed', error: { code: 'invalid-result' } });
  });

  /**
   * Property: over random results, a run ends `succeeded` only when its result passes the base and its mode's
   * schema and counts no failed item; a result with failed items (counted or listed) never ends `succeeded`;
   * a result failing its schema ends `failed` with `invalid-result`, and one that passes with itemsFailed > 0 `partial`.
   */
  it('property: no failed item and no result that fails its schema ever ends succeeded', async () => {
    const seed = 17_0423;
    const prng = new Prng(seed);
    const seen = { succeeded: 0, partial: 0, failed: 0 };
    for (let i = 0; i < 300; i++) {
      const mode = prng.pick(['check', 'repair'] as const);
      const result = randomResult(prng, mode);
      const ended = await run('toy', { mode, result, scope: `p:${i}` });
      const where = `seed ${seed}, iteration ${i}: ${JSON.stringify(result)} ended ${ended.state} (${ended.error?.message ?? ''})`;
      const schemaOk = isRecord(result) && EngineResultBase.safeParse(result).success && toyModes[mode].result.safeParse(result).success && (result.mode === undefined || result.mode === mode);
      if (ended.state === 'succeeded') {
        expect(schemaOk, where).toBe(true);
        expect(anyFailure(result), where).toBe(false);
      }
      if (anyFailure(result)) expect(ended.state, where).not.toBe('succeeded');
      if (!schemaOk) expect({ state: ended.state, code: ended.error?.code }, where).toEqual({ state: 'failed', code: 'invalid-result' });
      else expect(ended.state, where).toBe(typeof result.itemsFailed === 'number' && result.itemsFailed > 0 ? 'partial' : 'succeeded');
      seen[ended.state as keyof typeof seen]++;
    }
    // The generator reaches every outcome, so the property was tested on each.
    expect(seen.succeeded).toBeGreaterThan(10);
    expect(seen.partial).toBeGreaterThan(10);
    expect(seen.failed).toBeGreaterThan(10);
  });
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Independent of the schemas: does this result say, in any spelling, that something failed? */
function anyFailure(result: unknown): boolean {
  if (!isRecord(result)) return false;
  const counted = result.itemsFailed;
  if (counted !== undefined && counted !== 0) return true;
  return Array.isArray(result.failedItems) && result.failedItems.length > 0;
}

/** A result near the valid ones: each field valid, absent or broken in a way an engine could break it. */
function randomResult(prng: Prng, mode: 'check' | 'repair'): unknown {
  if (prng.chance(0.45)) return validResult(prng, mode);
  if (prng.chance(0.05)) return prng.pick([null, [], 'ok', 3, true]);
  const out: Record<string, unknown> = {};
  const count = () => prng.pick([0, 1, 2, 5, 49, 50, 51, 120]);
  const broken = () => prng.pick<unknown>([-1, 1.5, '2', null, true, [], {}]);
  if (!prng.chance(0.06)) out.n = prng.chance(0.9) ? count() : broken();
  const failedRoll = prng.next();
  if (failedRoll < 0.45) out.itemsFailed = count();
  else if (failedRoll < 0.55) out.itemsFailed = broken();
  else if (mode === 'check' && failedRoll < 0.9) delete out.itemsFailed;
  if (prng.chance(0.35)) {
    const listed = prng.int(0, Math.min(MAX_FAILED_ITEMS + 2, 60));
    out.failedItems = Array.from({ length: listed }, (_, k) => (prng.chance(0.97) ? { item: `item-${k}`, reason: 'refused' } : { item: k }));
  }
  if (prng.chance(0.15)) out.failedItemsTruncated = prng.pick<unknown>([true, false, 'yes']);
  if (prng.chance(0.15)) out.mode = prng.pick([mode, mode === 'check' ? 'repair' : 'check', 7]);
  if (prng.chance(0.15)) out.complete = prng.pick<unknown>([true, false, 'no']);
  if (prng.chance(0.15)) out.needsReconnect = [{ userId: 'u1', email: prng.pick([null, 'ada@example.com', 3]), provider: prng.pick(['google', 'dropbox', 'box']) }];
  if (prng.chance(0.15)) out.safetyGuard = { tripped: true, limit: prng.pick<unknown>([50, -1]), wouldDelete: 60 };
  if (prng.chance(0.3)) out.somethingElse = { nested: [count()] };
  return out;
}

/** A result its schema accepts: failures counted, some listed, the rest marked truncated. */
function validResult(prng: Prng, mode: 'check' | 'repair'): Record<string, unknown> {
  const failed = prng.chance(0.5) ? 0 : prng.int(1, 120);
  const listed = Math.min(failed, MAX_FAILED_ITEMS, prng.int(0, failed));
  return {
    n: prng.int(0, 1000),
    ...(mode === 'repair' || failed > 0 || prng.chance(0.5) ? { itemsFailed: failed } : {}),
    ...(listed > 0 ? { failedItems: Array.from({ length: listed }, (_, k) => ({ item: `item-${k}`, reason: 'refused' })) } : {}),
    ...(failed > listed && prng.chance(0.7) ? { failedItemsTruncated: true } : {}),
    ...(prng.chance(0.3) ? { mode } : {}),
    ...(prng.chance(0.3) ? { needsReconnect: [{ userId: 'u1', email: null, provider: prng.pick(['google', 'dropbox']) }] } : {}),
  };
}

describe('the built-in engines declare a result schema for every mode they run', () => {
  const CANDIDATES = ['check', 'repair', 'validate', 'revert', 'import', 'restore', 'purge'];

  /** Whether the params refuse this mode for the mode's sake (not for another missing field). */
  function acceptsMode(engine: (typeof BUILTIN_ENGINES)[number], mode: string): boolean {
    const parsed = engine.params.safeParse({ mode });
    if (parsed.success) return true;
    return !parsed.error.issues.some((issue) => issue.path[0] === 'mode' || (issue.code === 'unrecognized_keys' && issue.keys.includes('mode')));
  }

  it('every mode an engine’s params accept has a result schema', () => {
    for (const engine of BUILTIN_ENGINES) {
      expect(engine.modes, engine.id).toBeDefined();
      const declared = Object.keys(engine.modes ?? {});
      expect(declared.length, engine.id).toBeGreaterThan(0);
      for (const mode of CANDIDATES.filter((m) => acceptsMode(engine, m))) expect(declared, `${engine.id} accepts mode "${mode}"`).toContain(mode);
    }
  });

  it('checkResult names the mode and every problem; readRunResult reads only what matches', () => {
    const checked = checkResult({ title: 'Toy', modes: toyModes }, { mode: 'repair' }, { n: 'x', itemsFailed: -2 });
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.mode).toBe('repair');
      expect(checked.problems.map((p) => p.split(':')[0])).toEqual(expect.arrayContaining(['itemsFailed']));
    }
    expect(readRunResult({ needsReconnect: [{ userId: 'u', email: null, provider: 'google' }], findings: 2 })).toEqual({ needsReconnect: [{ userId: 'u', email: null, provider: 'google' }], findings: 2 });
    expect(readRunResult({ needsReconnect: 'u' })).toEqual({});
    expect(readRunResult(null)).toEqual({});
  });
});
