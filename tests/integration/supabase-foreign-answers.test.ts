import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { faultOf } from '../../core/connectors/shared/fault';
import { createSupabaseAuthConnector } from '../../core/connectors/supabase/supabase-auth.connector';
import { ANY_ROUTE, foreignFault, type ForeignAnswer } from '../emulators/shared/faults';
import { startSupabaseEmulator, SUPABASE_ROUTES, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { connectorFailure } from '../helpers/connector-failure';

/**
 * Only GoTrue's own 404 `user_not_found` proves a user absent (DESIGN §4.1);
 * a refused service key is the connection's problem (§4.2). Real supabase-js
 * against the GoTrue emulator.
 */
const ADA = '6f1c2e1a-1b8e-4c43-9a57-0d0c6f0a0001';
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const FOREIGN: ForeignAnswer[] = ['html', 'empty', 'json'];
let emulator: SupabaseEmulator;

const connect = (serviceRoleKey = emulator.serviceRoleKey) => createSupabaseAuthConnector({ url: emulator.url, serviceRoleKey, policy: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 10 } });

beforeAll(async () => {
  emulator = await startSupabaseEmulator();
  // supabase-js logs failed fetches with console.error.
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterAll(() => emulator.close());
beforeEach(() => emulator.clearFaults());

describe('GoTrue: a foreign 404 is never user_not_found', () => {
  for (const kind of FOREIGN) {
    it(`getUser answered by a ${kind} 404 (any route) is unavailable`, async () => {
      emulator.fault(ANY_ROUTE, foreignFault(kind));
      const error = await connectorFailure(connect().getUser(ADA));
      expect(error).toMatchObject({ kind: 'unavailable', status: 404 });
      expect(faultOf(error)).toBe('none');
    });

    it(`deleteUser answered by a ${kind} 404 is not "already absent"`, async () => {
      emulator.fault(SUPABASE_ROUTES.delete, foreignFault(kind));
      expect((await connectorFailure(connect().deleteUser(ADA, { soft: true }))).kind).toBe('unavailable');
      expect(emulator.getUser(ADA)?.deleted_at).toBeUndefined();
    });
  }

  it('a JSON 404 with a code that is not user_not_found is not absence', async () => {
    emulator.fault(SUPABASE_ROUTES.get, { status: 404, body: { code: 'not_found', message: 'Not Found' }, headers: { 'X-Supabase-Api-Version': '2024-01-01' } });
    expect((await connectorFailure(connect().getUser(ADA))).kind).not.toBe('not-found');
  });

  it("GoTrue's own user_not_found is not-found, in the new and the old body form", async () => {
    expect(await connectorFailure(connect().getUser(UNKNOWN))).toMatchObject({ kind: 'not-found', reason: 'user_not_found' });
    // Old form without the version echo: the SDK reads `error_code` (api-facts-2 §14).
    emulator.fault(SUPABASE_ROUTES.get, { status: 404, body: { code: 404, error_code: 'user_not_found', msg: 'User not found' }, times: 1 });
    expect(await connectorFailure(connect().getUser(ADA))).toMatchObject({ kind: 'not-found', reason: 'user_not_found' });
  });

  it('a refused service key (403 not_admin) is misconfigured: the connection’s fault', async () => {
    const error = await connectorFailure(connect(emulator.anonKey).getUser(ADA));
    expect(error).toMatchObject({ kind: 'misconfigured', status: 403 });
    expect(faultOf(error)).toBe('connection');
  });
});
