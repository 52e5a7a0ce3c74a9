import { expect } from 'vitest';

/**
 * Runs `work`, then waits `settleMs` for late rejections, and expects none of them to have gone unhandled
 * meanwhile (a promise nobody awaited that failed: Node would end a host on it).
 */
export async function expectNoUnhandledRejection(work: () => Promise<void>, settleMs = 100): Promise<void> {
  const unhandled: unknown[] = [];
  const onUnhandled = (error: unknown) => unhandled.push(error);
  process.on('unhandledRejection', onUnhandled);
  try {
    await work();
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
}
