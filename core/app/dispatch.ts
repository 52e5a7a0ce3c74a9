import { methods } from '../api/contract';
import { ApiError, type CallResult } from '../api/errors';
import { boundedErrorBody, boundedIssues } from '../api/error-bounds';
import { inputProblem } from '../api/input-shape';
import { isMethodName, METHOD_NAMES } from '../api/names';
import type { Logger } from '../logging/logger';
import { connectionLostMessage, isUnreachable } from '../store/connection-loss';
import type { CallContext, HandlerTable } from '../engines/engine-policies';

export interface DispatchOptions {
  /** Check each handler's output against the contract's output schema; default: outputChecksByDefault(). */
  checkOutputs?: boolean;
}

/**
 * Whether outputs are checked when a host does not say: in development and
 * tests (NODE_ENV `development` or `test`; vitest sets `test`), or wherever
 * SYNCWARDEN_CHECK_OUTPUTS is `1` (`0` turns it off). A production build
 * skips the cost of walking every answer (a page of 500 runs) on every call;
 * the renderer's client trusts outputs (renderer/src/client/client.ts) because
 * every test drives the handlers through here with the check on.
 */
export function outputChecksByDefault(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const explicit = env.SYNCWARDEN_CHECK_OUTPUTS;
  if (explicit !== undefined && explicit !== '') return explicit === '1';
  return env.NODE_ENV === 'development' || env.NODE_ENV === 'test';
}

/** Problems named in an output error's details. */
const MAX_OUTPUT_ISSUES = 10;

/**
 * Validates and runs one call. Every host funnels through here, so an unknown
 * method or invalid input gets the same typed error everywhere and never
 * reaches a handler (nothing changes). With output checks on, an output that
 * does not match the contract is an `internal` error (and logged), never
 * passed on as if it did.
 */
export async function dispatch(
  handlers: HandlerTable,
  method: unknown,
  input: unknown,
  context: CallContext,
  log?: Logger,
  options: DispatchOptions = {},
): Promise<CallResult<unknown>> {
  if (!isMethodName(method)) {
    return failure(new ApiError('unknown-method', `Unknown method ${JSON.stringify(method)}.`, { known: METHOD_NAMES }));
  }
  // Before zod, in one walk bounded by the transport limit: plain JSON only, at most MAX_INPUT_BYTES and
  // MAX_INPUT_DEPTH, no NUL. IPC has no frame limit, and structured clone carries in a few bytes what
  // JSON would expand a million-fold (sparse arrays, typed arrays): both hosts get the same refusal.
  const problem = inputProblem(input ?? {});
  if (problem) {
    return failure(
      new ApiError('invalid-input', `Invalid input for ${method}: ${problem.message}.`, { issues: [{ path: problem.path, code: 'custom', message: problem.message }] }),
    );
  }
  const parsed = methods[method].input.safeParse(input ?? {});
  if (!parsed.success) {
    return failure(
      // The first few issues only (error-bounds.ts): one per bad entry of a long list would make a huge answer.
      new ApiError('invalid-input', `Invalid input for ${method}: ${parsed.error.issues[0]?.message ?? 'invalid'}.`, boundedIssues(parsed.error.issues)),
    );
  }
  try {
    const handler = handlers[method] as (input: unknown, context: CallContext) => unknown;
    const result = await handler(parsed.data, context);
    if (options.checkOutputs ?? outputChecksByDefault()) {
      // Checked, not replaced: the caller gets the handler's own value, as without the check.
      const checked = methods[method].output.safeParse(result);
      if (!checked.success) {
        const issues = checked.error.issues.slice(0, MAX_OUTPUT_ISSUES).map((issue) => ({ path: issue.path.map(String), code: issue.code, message: issue.message }));
        log?.error({ method, issues }, 'handler output does not match the contract');
        return failure(new ApiError('internal', `${method} answered with an output that does not match the contract; see the log for details.`, { issues }));
      }
    }
    return { ok: true, result };
  } catch (error) {
    if (error instanceof ApiError) return failure(error);
    log?.error({ err: error, method }, 'handler failed');
    // Not a fault of this console's code: said as what it is, so the caller knows trying again may work.
    if (isUnreachable(error)) return failure(new ApiError('unavailable', connectionLostMessage(method, error)));
    return failure(new ApiError('internal', `${method} failed unexpectedly; see the log for details.`));
  }
}

/**
 * Every error answer of every host, bounded (error-bounds.ts): a refusal built from what the caller sent
 * (zod's list of unknown keys, a handler's own issues) is never larger than a few KB, whatever was sent.
 */
function failure(error: ApiError): CallResult<never> {
  return { ok: false, error: boundedErrorBody(error.toBody()) };
}
