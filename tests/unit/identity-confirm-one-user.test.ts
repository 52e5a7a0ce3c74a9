import { describe, expect, it } from 'vitest';
import { confirmationRefusal, planDigest } from '../../core/engines/identity/identity-confirm';

/**
 * A bare `true` or a count confirms destructive steps only when the selection was chosen by hand and the plan's
 * own steps are all about one user (issue 15, s26e): decided from what will be acted on, not from the params.
 */
describe('what a bare true or a count confirms', () => {
  const x = { action: 'ban-remote' as const, subject: 'user:x@example.com' };
  const y = { action: 'ban-remote' as const, subject: 'user:y@example.com' };

  it('one user chosen by hand: true and the right count confirm it', () => {
    expect(confirmationRefusal([x], true, true)).toBeNull();
    expect(confirmationRefusal([x], 1, true)).toBeNull();
    expect(confirmationRefusal([x], 2, true)).toMatch(/not the 2 confirmed/);
  });

  it('two users chosen by hand (findings of X and Y): true and a count are refused, the digest is taken', () => {
    expect(confirmationRefusal([x, y], true, true)).toMatch(/Confirm these users, not a count/);
    expect(confirmationRefusal([x, y], 2, true)).toMatch(/Confirm these users, not a count/);
    expect(confirmationRefusal([x, y], planDigest([y, x]), true)).toBeNull();
  });

  it('"all" never takes true, even when its plan touches one user', () => {
    expect(confirmationRefusal([x], true, false)).toMatch(/Confirm these users, not a count/);
    expect(confirmationRefusal([x], planDigest([x]), false)).toBeNull();
  });
});
