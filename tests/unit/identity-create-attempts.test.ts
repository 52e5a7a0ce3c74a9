import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../core/connectors/shared/connector-error';
import type { SupabaseAuthConnector } from '../../core/connectors/supabase/supabase-auth.connector';
import type { SupabaseUser } from '../../core/connectors/supabase/supabase-user';
import { CLOCK_SKEW_MS, createRemote } from '../../core/engines/identity/identity-create';
import type { Creator } from '../../core/engines/identity/identity-remote';

/*
 * A create is taken as ours after a failure only when one of our attempts may have reached GoTrue unanswered and
 * the user under our id has our email and was created once that attempt was sent (less the clock skew); a
 * definitive refusal of the first attempt never is (issue 15, s26e).
 */
const ID = 'abcdef00-0000-4000-8000-0000000000c1';
const row = { id: ID, email: 'c@example.com', name: 'C', emailVerified: true, role: 'user' };
const lostAnswer = () => new ConnectorError('unavailable', 'supabase', 'createUser: socket closed', { status: 0 });
const emailExists = () => new ConnectorError('invalid-request', 'supabase', 'createUser: A user with this email address has already been registered', { status: 422, reason: 'email_exists' });

function user(createdAt: string): SupabaseUser {
  return { id: ID, email: 'c@example.com', name: 'C', emailVerified: true, role: 'authenticated', createdAt, updatedAt: null, deleted: false, deletedAt: null, bannedUntil: null, userMetadata: {}, appMetadata: {} };
}

function world(answers: (() => Error | SupabaseUser)[], found: SupabaseUser | null) {
  const sent: number[] = [];
  let lookups = 0;
  const creator: Creator = {
    initialDelayMs: 1,
    once: async () => {
      sent.push(sent.length + 1);
      const answer = (answers[sent.length - 1] ?? answers[answers.length - 1])!();
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  const remote = {
    getUser: async () => {
      lookups++;
      if (!found) throw new ConnectorError('not-found', 'supabase', 'getUser: User not found', { status: 404, reason: 'user_not_found' });
      return found;
    },
  } as unknown as SupabaseAuthConnector;
  return { creator, remote, sent, lookups: () => lookups };
}

describe('which failed create is ours', () => {
  const signal = new AbortController().signal;

  it('a lost answer, then email_exists: the user made after our request is ours', async () => {
    const w = world([lostAnswer, emailExists], user(new Date().toISOString()));
    await expect(createRemote(w.remote, w.creator, row, signal)).resolves.toBe(ID);
    expect(w.sent).toEqual([1, 2]);
  });

  it('a lost answer, then email_exists: a user created well before our first request is another writer\'s', async () => {
    const w = world([lostAnswer, emailExists], user(new Date(Date.now() - CLOCK_SKEW_MS - 60_000).toISOString()));
    await expect(createRemote(w.remote, w.creator, row, signal)).rejects.toThrow(/already been registered/);
  });

  it('email_exists on the first attempt: refused, never looked up as ours, never retried', async () => {
    const w = world([emailExists], user(new Date().toISOString()));
    await expect(createRemote(w.remote, w.creator, row, signal)).rejects.toThrow(/already been registered/);
    expect(w.sent).toEqual([1]);
    expect(w.lookups()).toBe(0);
  });
});
