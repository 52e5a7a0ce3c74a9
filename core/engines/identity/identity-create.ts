import { randomUUID } from 'node:crypto';
import { FOREIGN_ANSWER, isConnectorError } from '../../connectors/shared/connector-error';
import { createServicePolicy } from '../../connectors/shared/service-policy';
import { SUPABASE_SERVICE } from '../../connectors/supabase/supabase-errors';
import type { SupabaseAuthConnector } from '../../connectors/supabase/supabase-auth.connector';
import { normaliseEmail, UUID, type IdentityRecord } from './identity-model';
import { remoteAttributes, type Creator } from './identity-remote';

/** Attempts of one create, the first included: a lost answer, a rate limit or an outage are tried again. */
export const CREATE_ATTEMPTS = 3;

/**
 * How far GoTrue's clock may run behind ours when its `created_at` is compared with the moment we sent a create:
 * the two are different machines. Two minutes covers NTP-synchronised hosts with room; a user created longer than
 * that before our request was never made by it.
 */
export const CLOCK_SKEW_MS = 120_000;

interface CreateAttempt {
  /** Our wall clock when the request left (compared with GoTrue's wall clock, so not the run's clock). */
  startedAt: number;
  /** The request may have reached GoTrue and made the user without us seeing the answer. */
  answerLost: boolean;
}

/**
 * No answer, or none from GoTrue itself: the request may have been carried out. A network error, a dropped
 * socket or a timeout (status 0), a gateway's timeout or bad gateway (408, 502, 504), or any answer not in
 * GoTrue's shape. GoTrue's own answer (422 email_exists, its 500 body, 429) says what it did: nothing.
 */
function answerMayBeLost(error: unknown): boolean {
  if (!isConnectorError(error)) return false;
  if (error.kind !== 'unavailable') return false;
  return error.status === undefined || [0, 408, 502, 504].includes(error.status) || error.reason === FOREIGN_ANSWER;
}

/**
 * Creates the Supabase user under the row's id, or under one chosen here when the row's is no UUID: the id is
 * always ours. The attempts are made here, one request each (no retry hidden in the connector), so it is known
 * which attempt failed how. A create is taken as ours after a failure only when one of our attempts may have
 * reached GoTrue without us seeing the answer, and the user then found under our id has our email and was
 * created no earlier than that attempt was sent (less CLOCK_SKEW_MS). A definitive refusal of the first attempt
 * (422 email_exists: another writer made that user first) is never ours: it is thrown, and a "Revert this run"
 * can never delete another writer's user.
 */
export async function createRemote(remote: SupabaseAuthConnector, creator: Creator, user: IdentityRecord, signal: AbortSignal): Promise<string> {
  if (!user.email) throw new Error('the users table row has no email; Supabase needs one');
  const email = user.email;
  const id = UUID.test(user.id) ? user.id : randomUUID();
  const attempts: CreateAttempt[] = [];
  // The one retry helper (backoff with jitter, Retry-After), over requests that are each sent once and recorded.
  const policy = createServicePolicy({ service: SUPABASE_SERVICE, concurrency: 1, maxAttempts: CREATE_ATTEMPTS, ...(creator.initialDelayMs === undefined ? {} : { initialDelayMs: creator.initialDelayMs }) });
  try {
    const created = await policy.execute(async (attemptSignal) => {
      const attempt: CreateAttempt = { startedAt: Date.now(), answerLost: false };
      attempts.push(attempt);
      try {
        return await creator.once({ id, email, emailConfirmed: user.emailVerified, ...remoteAttributes(user) }, attemptSignal);
      } catch (error) {
        attempt.answerLost = answerMayBeLost(error);
        throw error;
      }
    }, signal);
    return created.id;
  } catch (error) {
    if (signal.aborted) throw error;
    const lost = attempts.find((a) => a.answerLost);
    if (lost && (await madeByUs(remote, id, email, lost.startedAt, signal))) return id;
    throw error;
  }
}

/** The user under our id has our email and was created once our lost attempt had been sent (less the skew). */
async function madeByUs(remote: SupabaseAuthConnector, id: string, email: string, sentAt: number, signal: AbortSignal): Promise<boolean> {
  try {
    const found = await remote.getUser(id, signal);
    const createdAt = Date.parse(found.createdAt);
    return !found.deleted && normaliseEmail(found.email) === normaliseEmail(email) && Number.isFinite(createdAt) && createdAt >= sentAt - CLOCK_SKEW_MS;
  } catch {
    // Not found, or the lookup failed too: nothing shows the create took effect; the create's own error decides.
    return false;
  }
}
