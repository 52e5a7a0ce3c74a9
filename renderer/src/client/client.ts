import type {
  ApiErrorBody,
  CallResult,
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
  SyncwardenBridge,
  SyncwardenClient,
} from '@core/api';
import { ClientError } from './client-error';

/**
 * The renderer's typed client. `call` is the contract's face; `request` is the
 * same call with the input as a plain parameter, which generic hooks need
 * (the rest-tuple of `call` cannot be satisfied for an unresolved method type).
 */
export interface ApiClient extends SyncwardenClient {
  request<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
}

export function createClient(bridge: SyncwardenBridge): ApiClient {
  async function request<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    let response: CallResult<unknown>;
    try {
      response = await bridge.invoke(method, input ?? {});
    } catch (error) {
      // A bridge should never reject (hosts answer with CallResult), but an IPC
      // channel without a handler does: surface it as an ordinary failure.
      throw new ClientError({ code: 'unavailable', message: `The host did not answer ${method}: ${String(error)}` });
    }
    if (!isCallResult(response)) {
      throw new ClientError({ code: 'internal', message: `The host sent an unreadable answer to ${method}.` });
    }
    if (!response.ok) throw new ClientError(response.error);
    // Trusted: the host checks every output against the contract's schema in development and tests (core/app/dispatch.ts).
    return response.result as MethodOutput<M>;
  }

  return {
    request,
    call(method, ...args) {
      return request(method, (args[0] ?? {}) as MethodInput<typeof method>);
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      // Payloads are typed by the contract; in development and tests the host checks each event against it
      // before sending (core/base/event-hub.ts with core/app/event-check.ts), as it checks outputs in dispatch.
      return bridge.on(event, (payload) => listener(payload as EventPayload<E>));
    },
  };
}

function isCallResult(value: unknown): value is CallResult<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  if (value.ok === true) return 'result' in value;
  if (value.ok !== false || !('error' in value)) return false;
  const error = value.error as Partial<ApiErrorBody> | null;
  return typeof error === 'object' && error !== null && typeof error.message === 'string';
}
