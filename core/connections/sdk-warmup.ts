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
 * connection is added: never during a run, and never an SDK no connection
 * needs (an identity-only setup loads neither googleapis nor cloudinary).
 */
export function warmSdksFor(connections: readonly { kind: ConnectionKind; config: Record<string, unknown> }[]): void {
  for (const connection of connections) {
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
}
