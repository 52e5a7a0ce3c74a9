import type { ConsentBook } from '../shared/consent';
import type { EmulatorRequest, EmulatorResponse } from '../shared/emulator';
import type { AccountFiles } from './account-files';
import { badInput } from './errors';
import type { DropboxSeed, DropboxSeedAccount } from './seed';
import type { TokenBook } from './token-book';

/** Everything the route handlers share: the seed, the token book, each account's files. */
export interface DropboxWorld {
  seed: DropboxSeed;
  tokens: TokenBook;
  accounts: Map<string, DropboxSeedAccount>;
  files: Map<string, AccountFiles>;
  /** Installed-app sign-ins: consent requests and the codes issued. */
  consent: ConsentBook;
}

/** Thrown by a handler to answer early with an error response (keeps handlers linear). */
export class Reply {
  constructor(readonly response: EmulatorResponse) {}
}

export function answering(handler: (request: EmulatorRequest) => EmulatorResponse): (request: EmulatorRequest) => EmulatorResponse {
  return (request) => {
    try {
      return handler(request);
    } catch (error) {
      if (error instanceof Reply) return error.response;
      throw error;
    }
  };
}

/** Bearer auth for an RPC route: the caller's account and files, or a Reply with Dropbox's answer. */
export function authed(world: DropboxWorld, route: string, request: EmulatorRequest): { account: DropboxSeedAccount; files: AccountFiles } {
  const header = request.headers.authorization;
  const result = world.tokens.authenticate(route, Array.isArray(header) ? header[0] : header);
  if ('error' in result) throw new Reply(result.error);
  const account = world.accounts.get(result.accountId);
  const files = world.files.get(result.accountId);
  if (!account || !files) throw new Reply(badInput(route, 'account vanished'));
  return { account, files };
}

/** RPC arguments: a JSON object body, or the 400 Dropbox sends for anything else. */
export function rpcArgs(route: string, request: EmulatorRequest): Record<string, unknown> {
  const body = request.json<unknown>();
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new Reply(badInput(route, 'request body: could not decode input as JSON'));
  }
  return body as Record<string, unknown>;
}
