import type { ApiErrorBody, CallResult } from '../api/errors';
import { EXIT } from './exit-codes';

/** A typed API error on the CLI: printed as such and mapped to an exit code. */
export class CliError extends Error {
  constructor(
    readonly body: ApiErrorBody,
    readonly exitCode: number,
  ) {
    super(body.message);
  }
}

export function unwrap<T>(result: CallResult<T>): T {
  if (result.ok) return result.result;
  const code = result.error.code === 'invalid-input' || result.error.code === 'not-found' || result.error.code === 'unknown-method' ? EXIT.usage : EXIT.error;
  throw new CliError(result.error, code);
}
