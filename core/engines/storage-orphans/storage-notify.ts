import type { EngineNotifyPolicy } from '../engine-policies';

/**
 * What the notifier says about storage-orphans: its findings live on the
 * Storage page, and a scheduled repair it withheld (a quarantined row could
 * not come back whole) is told instead of passing as a silent success.
 */
export const storageNotify: EngineNotifyPolicy = {
  route: '/storage',
  withheldRepair,
};

/** The first reason the repair was refused (`repair.refused`), when the run had orphans found or carried forward to repair. */
function withheldRepair(result: Readonly<Record<string, unknown>>): string | undefined {
  const refused = (result.repair as { refused?: unknown } | undefined)?.refused;
  if (!Array.isArray(refused) || typeof refused[0] !== 'string') return undefined;
  const open = (typeof result.orphans === 'number' ? result.orphans : 0) + (typeof result.carriedForward === 'number' ? result.carriedForward : 0);
  return open > 0 ? `a quarantined row could not be restored whole. ${refused[0]}` : undefined;
}
