import type { ConnectionCheckResult } from '@core/api';

export interface TestAllProgress {
  /** How many connections have answered so far. */
  done: number;
  total: number;
  /** The one being tested now; null when all answered. */
  current: number | null;
}

export interface TestAllSummary {
  total: number;
  ok: number;
  /** The connections that did not pass, with what they said (a call that failed outright counts too). */
  failed: { id: number; message: string }[];
}

/**
 * Tests each connection in turn, never two at once: the services are the admin's own, and a
 * burst of logins looks like an attack to some of them. One failure never stops the rest.
 */
export async function testInTurn(
  ids: readonly number[],
  test: (id: number) => Promise<ConnectionCheckResult>,
  onProgress: (progress: TestAllProgress) => void,
): Promise<TestAllSummary> {
  const summary: TestAllSummary = { total: ids.length, ok: 0, failed: [] };
  for (const [index, id] of ids.entries()) {
    onProgress({ done: index, total: ids.length, current: id });
    try {
      const result = await test(id);
      if (result.ok) summary.ok += 1;
      else summary.failed.push({ id, message: result.message });
    } catch (error) {
      summary.failed.push({ id, message: error instanceof Error ? error.message : String(error) });
    }
  }
  onProgress({ done: ids.length, total: ids.length, current: null });
  return summary;
}
