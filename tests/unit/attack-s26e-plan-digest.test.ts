import { describe, expect, it } from 'vitest';
import { planDigest } from '../../core/engines/identity/identity-confirm';

/**
 * Outside review (issue 15, s26e). The digest that binds "Repair all" to the users the admin was shown is SHA-256
 * of the sorted `action:subject` lines joined by a newline (identity-confirm.ts planDigest). A subject is
 * `user:<email>` with the email as the users table spells it (trimmed, lower-cased): nothing keeps a newline out
 * of it. One row whose email holds "\ndelete-local:user:<victim>" makes a plan that deletes that one row digest
 * like a plan that deletes two rows, the victim's among them: a confirmation of one user confirms another.
 */
describe('the plan digest is unambiguous', () => {
  it('a plan of one user and a plan of two other users never share a digest', () => {
    const one = [{ action: 'delete-local' as const, subject: 'user:odd@example.com\ndelete-local:user:victim@example.com' }];
    const two = [
      { action: 'delete-local' as const, subject: 'user:odd@example.com' },
      { action: 'delete-local' as const, subject: 'user:victim@example.com' },
    ];
    expect(planDigest(one)).not.toBe(planDigest(two));
  });
});
