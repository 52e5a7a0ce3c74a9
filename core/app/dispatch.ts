import { methods } from '../api/contract';
import { ApiError, type CallResult } from '../api/errors';
import { jsonBytes, MAX_INPUT_BYTES } from '../api/limits';
import { isMethodName, METHOD_NAMES } from '../api/names';
import type { Logger } from '../logging/logger';
import type { CallContext, HandlerTable } from '../engines/engine-policies';

/**
 * Validates and runs one call. Every host funnels through here, so an unknown
 * method or invalid input gets the same typed error everywhere and never
 * reaches a handler (nothing changes).
 */
export async function dispatch(
  handlers: HandlerTable,
  method: unknown,
  input: unknown,
  context: CallContext,
  log?: Logger,
): Promise<CallResult<unknown>> {
  if (!isMethodName(method)) {
    return failure(new ApiError('unknown-method', `Unknown method ${JSON.stringify(method)}.`, { known: METHOD_NAMES }));
  }
  // IPC has no frame limit and structured clone carries what JSON cannot (cycles, BigInt, Map):
  // the same bound as the WebSocket, checked before zod walks the value.
  if (jsonBytes(input ?? {}) > MAX_INPUT_BYTES) {
    return failure(new ApiError('invalid-input', `Invalid input for ${method}: larger than ${MAX_INPUT_BYTES / 1024} KB of JSON, or not JSON.`));
  }
  const parsed = methods[method].input.safeParse(input ?? {});
  if (!parsed.success) {
    return failure(
      new ApiError('invalid-input', `Invalid input for ${method}: ${parsed.error.issues[0]?.message ?? 'invalid'}.`, {
        issues: parsed.error.issues.map((issue) => ({ path: issue.path.map(String), code: issue.code, message: issue.message })),
      }),
    );
  }
  try {
    const handler = handlers[method] as (input: unknown, context: CallContext) => unknown;
    return { ok: true, result: await handler(parsed.data, context) };
  } catch (error) {
    if (error instanceof ApiError) return failure(error);
    log?.error({ err: error, method }, 'handler failed');
    return failure(new ApiError('internal', `${method} failed unexpectedly; see the log for details.`));
  }
}

function failure(error: ApiError): CallResult<never> {
  return { ok: false, error: error.toBody() };
}
