import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { CONNECTION_CONFIG, type Connection, type ConnectionKind, type OAuthFlow } from '../../api/connections';
import { ApiError } from '../../api/errors';
import type { Clock } from '../../base/clock';
import type { Logger } from '../../logging/logger';
import type { ConnectionsService } from '../connections.service';
import { dropboxOAuth } from './dropbox.oauth';
import { googleOAuth } from './google.oauth';
import { LoopbackError, openLoopback } from './loopback';
import { OAuthError, type OAuthProvider } from './oauth-provider';

/** How long the admin has to finish in the browser. */
const DEFAULT_FLOW_TIMEOUT_MS = 5 * 60_000;
/** A finished flow's outcome stays readable this long (the page polls it). */
const KEEP_FINISHED_MS = 10 * 60_000;

/** The kinds that connect an account, and the SDK-backed provider of each. */
const PROVIDERS: Partial<Record<ConnectionKind, (config: Record<string, unknown>, secrets: Record<string, string>) => OAuthProvider>> = {
  google: (config, secrets) => googleOAuth(CONNECTION_CONFIG.google.parse(config) as z.output<(typeof CONNECTION_CONFIG)['google']>, secrets),
  dropbox: (config, secrets) => dropboxOAuth(CONNECTION_CONFIG.dropbox.parse(config) as z.output<(typeof CONNECTION_CONFIG)['dropbox']>, secrets),
};

export interface OAuthFlowsOptions {
  connections: ConnectionsService;
  clock: Clock;
  log: Logger;
  /** The desktop host opens the system browser (shell.openExternal behind its allowlist); browser mode has none and shows a link. */
  openExternal?: (url: string) => Promise<void>;
  timeoutMs?: number;
}

interface Flow {
  view: OAuthFlow;
  abort: AbortController;
}

/**
 * Connect and Disconnect of the admin's own account (RFC 8252): a loopback
 * listener, the provider's authorize URL with `state` and PKCE, the code
 * exchanged when the redirect arrives, and the refresh token stored as the
 * connection's `refreshToken` secret with the account's address on the card.
 * One flow per connection: a new Connect cancels the one before. The
 * renderer follows a flow by polling `status`.
 */
export class OAuthFlows {
  private readonly flows = new Map<string, Flow>();

  constructor(private readonly options: OAuthFlowsOptions) {}

  async start(connectionId: number): Promise<OAuthFlow> {
    const stored = await this.options.connections.stored(connectionId);
    const provider = await this.providerFor(connectionId);
    for (const flow of this.flows.values()) if (flow.view.connectionId === connectionId && flow.view.state === 'waiting') flow.abort.abort();
    const abort = new AbortController();
    const state = randomBytes(24).toString('base64url'); // URL-safe: the Dropbox SDK does not encode it (api-facts-2 §13)
    const loopback = await openLoopback({ state, timeoutMs: this.options.timeoutMs ?? DEFAULT_FLOW_TIMEOUT_MS, signal: abort.signal, service: provider.service });
    let attempt;
    try {
      attempt = await provider.begin(loopback.redirectUri, state);
    } catch (error) {
      abort.abort();
      throw toApiError(error);
    }
    const flowId = randomBytes(12).toString('base64url');
    const view: OAuthFlow = { flowId, connectionId, service: provider.service, state: 'waiting', authUrl: attempt.authUrl, opened: false, message: null, email: null };
    this.flows.set(flowId, { view, abort });
    if (this.options.openExternal) {
      view.opened = await this.options.openExternal(attempt.authUrl).then(
        () => true,
        (error: unknown) => (this.options.log.warn({ err: error }, 'could not open the system browser'), false),
      );
    }
    void loopback.code
      .then((code) => attempt.exchange(code))
      .then((grant) => {
        // Stopped or superseded while the code was being exchanged: the admin no longer wants this
        // account here (a newer Connect may already have stored another). Not revoked: Google revokes
        // per account and client, which would also end that account's other tokens for this client.
        if (abort.signal.aborted) throw new LoopbackError('cancelled', `The ${provider.service} sign-in was stopped before it finished; the account it signed in was not kept.`);
        return this.options.connections.setConnectedAccount(connectionId, { email: grant.email, connectedAt: this.options.clock.now().toISOString() }, grant.refreshToken);
      })
      .then(
        (connection) => this.finish(view, 'connected', `Connected ${connection.config.connectedAccount ? (connection.config.connectedAccount as { email: string }).email : ''} to “${stored.name}”.`, (connection.config.connectedAccount as { email?: string } | undefined)?.email ?? null),
        (error: unknown) => {
          const cancelled = error instanceof LoopbackError && error.reason === 'cancelled';
          if (!cancelled) this.options.log.warn({ err: error, connectionId }, 'connecting an account failed');
          this.finish(view, cancelled ? 'cancelled' : 'failed', error instanceof Error ? error.message : String(error), null);
        },
      );
    return { ...view };
  }

  status(flowId: string): OAuthFlow {
    return { ...this.mustGet(flowId).view };
  }

  /** Stops waiting: the loopback closes and a late redirect finds nobody; a code already being exchanged is not kept. */
  cancel(flowId: string): OAuthFlow {
    const flow = this.mustGet(flowId);
    flow.abort.abort();
    return { ...flow.view };
  }

  /**
   * Revokes the grant at the provider, then removes the token and the address.
   * If the provider cannot be asked, nothing is removed: a token that may be
   * alive is never forgotten while still valid at the provider.
   */
  async disconnect(connectionId: number): Promise<Connection> {
    const stored = await this.options.connections.stored(connectionId);
    const { secrets } = await this.options.connections.settings(stored);
    const provider = await this.providerFor(connectionId);
    if (secrets.refreshToken) {
      try {
        await provider.revoke(secrets.refreshToken);
      } catch (error) {
        throw toApiError(error);
      }
    }
    return this.options.connections.setConnectedAccount(connectionId, null, null);
  }

  /** Closes every waiting loopback (the host is stopping). */
  close(): void {
    for (const flow of this.flows.values()) flow.abort.abort();
  }

  private async providerFor(connectionId: number): Promise<OAuthProvider> {
    const stored = await this.options.connections.stored(connectionId);
    const make = PROVIDERS[stored.kind];
    if (!make) throw new ApiError('invalid-input', `A ${stored.kind} connection has no account to connect.`, { id: connectionId });
    const { config, secrets } = await this.options.connections.settings(stored);
    try {
      return make(config, secrets);
    } catch (error) {
      throw toApiError(error);
    }
  }

  private finish(view: OAuthFlow, state: OAuthFlow['state'], message: string, email: string | null): void {
    Object.assign(view, { state, message, email });
    setTimeout(() => this.flows.delete(view.flowId), KEEP_FINISHED_MS).unref();
  }

  private mustGet(flowId: string): Flow {
    const flow = this.flows.get(flowId);
    if (!flow) throw new ApiError('not-found', 'This sign-in is no longer known (it finished long ago or Syncwarden restarted): press Connect again.', { flowId });
    return flow;
  }
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof OAuthError) return new ApiError(error.code === 'bad-settings' ? 'invalid-input' : 'unavailable', error.message);
  return new ApiError('internal', error instanceof Error ? error.message : String(error));
}
