import type { Syncwarden } from '../core/app/app';
import { TEST_CLIENT } from '../tests/emulators/google/test-support';
import { GOOGLE_CONNECTION, PRODUCT_CONNECTION, type WorkersRound, type WorkersWorld } from './workers-world';

/**
 * The team's connections, as an admin adds them on a headless set-up: no
 * secret values (every process reads them from its environment,
 * SYNCWARDEN_SECRET_NAME_<NAME>_<FIELD>), so workers on any machine use them.
 */
export async function addTeamConnections(app: Syncwarden, world: WorkersWorld, round: WorkersRound): Promise<void> {
  await app.connections.create({ kind: 'appdb', name: PRODUCT_CONNECTION, config: { driver: 'postgres', url: round.productUrl, sslMode: 'disable' }, secrets: {} });
  await app.connections.create({ kind: 'google', name: GOOGLE_CONNECTION, config: { clientId: TEST_CLIENT.clientId, rootUrl: world.google.rootUrl, tokenUrl: world.google.tokenUrl }, secrets: {} });
}

/** A console on the team store: it enqueues the round's jobs and says how a worker joins. */
export interface TeamConsole {
  /** Enqueues one mail-import job per user u0..u(jobs-1), as the schedules' tick does; resolves once all are queued. */
  enqueue(jobs: number): Promise<void>;
  /** The `syncwarden` arguments of one worker process on this store. */
  workerArgs(concurrency: number): string[];
  close(): Promise<void>;
}

export async function openTeamConsole(_world: WorkersWorld, _round: WorkersRound): Promise<TeamConsole> {
  throw new Error('team mode is not merged on this branch yet (s4-pgstore, s4-queue)');
}
