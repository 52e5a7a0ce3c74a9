import { describe, expect, it } from 'vitest';
import { LocalClaims } from '../../core/runs/local-claims';

describe('LocalClaims: runs this process is taking on count as local', () => {
  it('an unnamed claim (a start before its INSERT) covers only runs created since it was taken, until it is named', () => {
    let now = 100;
    const claims = new LocalClaims(() => now, 1_000);
    const claim = claims.take();
    now = 150;
    expect(claims.awaitingInsert()).toBe(true);
    expect(claims.holds(7, 100)).toBe(true);
    expect(claims.holds(7, 120)).toBe(true);
    // An older run is never the one being inserted; an unknown created_at is covered by no unnamed claim.
    expect(claims.holds(6, 99)).toBe(false);
    expect(claims.holds(6)).toBe(false);
    claim.name(8);
    expect(claims.awaitingInsert()).toBe(false);
    expect(claims.holds(7)).toBe(false);
    expect(claims.holds(8)).toBe(true);
    claim.release();
    expect(claims.holds(8)).toBe(false);
  });

  it('a claim protects for one lease at most, and releasing one claim on a run keeps another', () => {
    let now = 0;
    const claims = new LocalClaims(() => now, 1_000);
    const first = claims.take(5);
    claims.take(5);
    first.release();
    expect(claims.holds(5)).toBe(true);
    claims.releaseRun(5);
    expect(claims.holds(5)).toBe(false);
    claims.take();
    now = 1_001;
    expect(claims.holds(9)).toBe(false);
  });
});
