/**
 * The team.* methods (core/app/team.handlers.ts) through dispatch, as every
 * host calls them: with a TeamStatusSource (the test double) they pass its
 * answers on, checked against the contract's output schemas; without one (a
 * SQLite store) they answer the typed team-mode-off refusal; a queue that
 * cannot be read is `unavailable` in its own words, never `internal`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isTeamModeOff } from '../../core/api/team';
import { dispatch } from '../../core/app/dispatch';
import type { MethodName } from '../../core/api/names';
import { checkResponse, fuzzInputs } from '../helpers/contract-fuzz';
import { FakeTeamStatus, populatedTeam } from '../helpers/fake-team-status';
import { Prng } from '../helpers/prng';
import { createTestApp, type TestApp } from '../helpers/test-app';

const NOW = new Date('2026-12-02T12:00:00.000Z');
const clock = { now: () => NOW };

describe('team.* handlers', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.dispose();
    app = undefined;
  });
  const open = async (team?: FakeTeamStatus) => {
    app = await createTestApp({ clock, ...(team ? { team } : {}) });
    const handlers = app.handlers;
    return (method: string, input: unknown = {}) => dispatch(handlers, method, input, { actor: 'manual' }, undefined, { checkOutputs: true });
  };

  it('a SQLite store: team.status says off and names the store; every other team method is the typed team-mode-off refusal', async () => {
    const call = await open();
    expect(await call('team.status')).toEqual({ ok: true, result: { enabled: false, store: 'sqlite', message: expect.stringContaining('SQLite') } });
    const inputs: [string, unknown][] = [
      ['team.workers', {}],
      ['team.queue', {}],
      ['team.throughput', { since: '2026-12-02T11:00:00Z' }],
      ['team.deadLetters', { limit: 10 }],
      ['team.retryDeadLetter', { jobId: 'job-1' }],
    ];
    for (const [method, input] of inputs) {
      const response = await call(method, input);
      expect(response.ok, method).toBe(false);
      if (response.ok) continue;
      expect(response.error).toMatchObject({ code: 'unavailable', details: { reason: 'team-mode-off', store: 'sqlite' } });
      expect(response.error.message).toContain('syncwarden store init postgres://');
      expect(isTeamModeOff(response.error)).toBe(true);
    }
  });

  it('with a source: workers, queue depth and dead letters as the queue reports them, paged', async () => {
    const team = populatedTeam(NOW);
    const call = await open(team);
    expect(await call('team.status')).toMatchObject({ ok: true, result: { enabled: true } });
    expect(await call('team.workers')).toEqual({ ok: true, result: team.workersList });
    expect(await call('team.queue')).toEqual({ ok: true, result: team.depthList });
    expect(await call('team.deadLetters', { limit: 2, offset: 1 })).toEqual({ ok: true, result: { items: team.dead.slice(1, 3), total: 3, limit: 2, offset: 1 } });
    expect(team.calls.at(-1)).toEqual({ method: 'deadLetters', args: [{ limit: 2, offset: 1 }] });
  });

  it('throughput: passes the window on as an ISO instant, and refuses windows past its bounds before asking the queue', async () => {
    const team = populatedTeam(NOW);
    const call = await open(team);
    const answer = await call('team.throughput', { since: '2026-12-02T13:00:00+02:00', bucketMinutes: 60 });
    expect(answer.ok).toBe(true);
    expect(team.calls.at(-1)).toEqual({ method: 'throughput', args: ['2026-12-02T11:00:00.000Z', 60] });
    expect(answer.ok && (answer.result as unknown[]).length).toBe(4);
    // Default bucket: 15 minutes.
    await call('team.throughput', { since: '2026-12-02T11:00:00Z' });
    expect(team.calls.at(-1)?.args[1]).toBe(15);
    const asked = team.calls.length;
    expect(await call('team.throughput', { since: '2026-10-01T00:00:00Z', bucketMinutes: 1440 })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('31 days') } });
    expect(await call('team.throughput', { since: '2026-11-20T00:00:00Z', bucketMinutes: 1 })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('2000 buckets') } });
    expect(await call('team.throughput', { since: '2026-12-02T11:00:00Z', bucketMinutes: 0 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await call('team.throughput', { since: 'yesterday' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(team.calls.length).toBe(asked);
  });

  it('retry: a dead job goes back to its queue once; a second retry (someone was first) says so and changes nothing', async () => {
    const team = populatedTeam(NOW);
    const call = await open(team);
    expect(await call('team.retryDeadLetter', { jobId: 'job-7f3a' })).toEqual({ ok: true, result: { jobId: 'job-7f3a', retried: true } });
    expect(team.dead.map((job) => job.jobId)).toEqual(['job-81c0', 'job-90de']);
    expect(await call('team.retryDeadLetter', { jobId: 'job-7f3a' })).toEqual({ ok: true, result: { jobId: 'job-7f3a', retried: false } });
    expect(await call('team.retryDeadLetter', { jobId: '' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(team.dead).toHaveLength(2);
  });

  it('a queue that cannot be read (connection dropped) is unavailable with its own words, never internal', async () => {
    const team = populatedTeam(NOW);
    team.failWith = new Error('Connection terminated unexpectedly');
    const call = await open(team);
    for (const method of ['team.workers', 'team.queue', 'team.deadLetters', 'team.retryDeadLetter']) {
      const response = await call(method, method === 'team.retryDeadLetter' ? { jobId: 'job-7f3a' } : {});
      expect(response).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringContaining('Connection terminated unexpectedly'), details: { reason: 'queue-unreachable' } } });
      expect(!response.ok && isTeamModeOff(response.error)).toBe(false);
    }
    // Status does not ask the queue: the page still knows team mode is on and can say the queue is unreachable.
    expect(await call('team.status')).toMatchObject({ ok: true, result: { enabled: true } });
  });

  it('a source answering outside the contract (a negative count) is caught by the output check, not passed on', async () => {
    const team = populatedTeam(NOW);
    team.depthList = [{ engine: 'mail-import', queued: -1, active: 0, deadLetter: 0 }];
    const call = await open(team);
    expect(await call('team.queue')).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('fuzzed inputs with team mode on: a typed error or an answer matching the contract, never internal (the integration fuzz covers team mode off)', async () => {
    const team = populatedTeam(NOW);
    const call = await open(team);
    const prng = new Prng(0x7ea20);
    const problems: string[] = [];
    const methods: MethodName[] = ['team.status', 'team.workers', 'team.queue', 'team.throughput', 'team.deadLetters', 'team.retryDeadLetter'];
    for (const method of methods) {
      for (const input of fuzzInputs(method, prng, 60)) {
        const problem = checkResponse(method, await call(method, input));
        if (problem) problems.push(`${method} ${JSON.stringify(input)?.slice(0, 100)}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
