import { describe, expect, it } from 'vitest';
import { BudgetGuard } from '../../core/engines/media-import/media-budget';

/** The Admin API budget share of one media check (media-budget.ts): never negative, whatever a proxy says. */
describe('BudgetGuard', () => {
  const now = new Date('2026-12-02T10:00:00.000Z');
  const later = new Date('2026-12-02T11:00:00.000Z');

  it('a stored negative "remaining" is none left: no call, and an allowance of 0, not below', () => {
    const guard = new BudgetGuard(0.5, { limit: 500, remaining: -40, resetAt: later.toISOString(), observedAt: now.toISOString() }, now);
    expect(guard.mayCall()).toBe(false);
    expect(guard.allowance).toBe(0);
  });

  it('an answer reporting a negative "remaining" stops further calls and keeps the allowance positive', () => {
    const guard = new BudgetGuard(0.5, undefined, now);
    expect(guard.mayCall()).toBe(true);
    guard.calls = 1;
    guard.observe({ remaining: -3, limit: 500, resetAt: later });
    expect(guard.allowance).toBe(1);
    expect(guard.mayCall()).toBe(false);
  });
});
