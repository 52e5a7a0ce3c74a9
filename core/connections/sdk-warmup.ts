import type { ConnectionKind } from '../api/connections';
import { loadPg } from '../base/pg-driver';
import { sdk as cloudinarySdk } from '../connectors/cloudinary/cloudinary-sdk';
import { loadGoogleApis } from '../connectors/google/googleapis-lite';

/**
 * Loads the SDKs that a set of connections will use, ahead of their first run.
 *
 * The SDKs are required on first use (core/base/lazy-module.ts), so a
 * one-shot command loads only what it runs. Loading one blocks the event loop
 * for 50-80 ms (the first Cloudinary or Google call of a fresh process,
 * measured at the start of the media-import and sheet-import benches). A host
 * that keeps running (the desktop app, browser mode) therefore loads the SDKs
 * of the connections it has when it starts, and a connection's SDK when the
 * connection is added or edited. A run then never stops to load the SDK it
 * calls (only a connection added while another run goes on loads its SDK
 * during that run, once), and no SDK that no connection needs is loaded (an
 * identity-only setup loads neither googleapis nor cloudinary). The queue
 * worker and daemon run as host 'cli': they load an SDK at its first job.
 *
 * Node's own fetch is loaded the same way: its undici is compiled when a
 * fetch interface (`Headers`, `fetch`) is first used, and its fetch code set
 * up on the first call, about 50 ms in one turn (the first token refresh of
 * the mail-import bench: its one stall over 50 ms). Every HTTP connector
 * calls through it (googleapis on gaxios, supabase-js, the Dropbox SDK).
 */
export function warmSdksFor(connections: readonly { kind: ConnectionKind; config: Record<string, unknown> }[]): WarmupFailure[] {
  const failures: WarmupFailure[] = [];
  if (connections.some((connection) => HTTP_KINDS.has(connection.kind))) warmNodeFetch();
  for (const connection of connections) {
    // Warming only saves time later: an SDK that cannot load here (a bad CLOUDINARY_URL in the environment, a
    // broken install) is reported and left to fail, with the service's own error, in the run that needs it.
    try {
      warmOne(connection);
    } catch (error) {
      failures.push({ kind: connection.kind, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return failures;
}

export interface WarmupFailure {
  kind: ConnectionKind;
  message: string;
}

const HTTP_KINDS: ReadonlySet<ConnectionKind> = new Set(['google', 'dropbox', 'supabase']);

let fetchWarmed = false;

/**
 * A `data:` URL is answered by fetch itself: the fetch code is set up, and nothing goes to the network.
 * Never fails its caller, whatever the global fetch is (one replaced by a test or an embedder may throw,
 * or return no promise): warming only saves time later.
 */
function warmNodeFetch(): void {
  if (fetchWarmed) return;
  fetchWarmed = true;
  let answer: Promise<Response | undefined>;
  try {
    answer = Promise.resolve(fetch('data:,'));
  } catch {
    return;
  }
  answer.then((response) => response?.arrayBuffer?.()).catch(() => undefined);
}

function warmOne(connection: { kind: ConnectionKind; config: Record<string, unknown> }): void {
  switch (connection.kind) {
    case 'google':
      loadGoogleApis();
      break;
    case 'cloudinary':
      cloudinarySdk();
      break;
    case 'appdb':
      if (connection.config.driver === 'postgres') loadPg();
      break;
    case 'dropbox':
    case 'supabase':
      // Loaded with the app: small (Dropbox, 5 MB) or needed by most setups (Supabase).
      break;
  }
}
