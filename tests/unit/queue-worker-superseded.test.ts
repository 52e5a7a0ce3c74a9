import { describe, expect, it } from 'vitest';
import { QueueWorker, type QueueWorkerOptions } from '../../core/queue/queue-worker';
import { AttemptSupersededError, type RunExecutor } from '../../core/queue/run-executor';

/**
 * A stale attempt (another worker adopted its run after its lease lapsed) stops quietly: even on the job's
 * last retry it must not give the job up, which would end the other worker's run `failed` (dead letter).
 */
describe('queue worker: a superseded attempt', () => {
  const lastRetryJob = { id: 'job-1', data: { runId: 7, engine: 'demo', scope: 's' }, retryCount: 3, retryLimit: 3, sourceRootId: null, signal: new AbortController().signal };
  const handle = (executor: RunExecutor) => {
    const worker = new QueueWorker({ queue: {}, workers: {}, executor, engines: ['demo'], concurrency: 1 } as unknown as QueueWorkerOptions);
    return (worker as unknown as { handle(job: typeof lastRetryJob): Promise<void> }).handle(lastRetryJob);
  };

  it('does not give the job up (no dead-letter failure of the run another worker owns)', async () => {
    const gaveUp: string[] = [];
    const executor: RunExecutor = {
      execute: () => Promise.reject(new AttemptSupersededError('run 7 was taken over by worker-b')),
      giveUp: async (_job, error) => void gaveUp.push(error),
    };
    await expect(handle(executor)).rejects.toBeInstanceOf(AttemptSupersededError);
    expect(gaveUp).toEqual([]);
  });

  it('still gives up an ordinary last failure', async () => {
    const gaveUp: string[] = [];
    const executor: RunExecutor = { execute: () => Promise.reject(new Error('boom')), giveUp: async (_job, error) => void gaveUp.push(error) };
    await expect(handle(executor)).rejects.toThrow('boom');
    expect(gaveUp).toEqual(['boom']);
  });
});
