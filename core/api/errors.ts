/**
 * The one error shape that crosses a host boundary (IPC, WebSocket, CLI --json).
 * Hosts never leak stack traces or raw driver errors: anything that is not an
 * ApiError becomes `internal` with a generic message (the details go to the log).
 */
export const API_ERROR_CODES = [
  'unknown-method',
  'invalid-input',
  'not-found',
  'conflict',
  'unauthorized',
  'unavailable',
  'internal',
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  details?: unknown;
}

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly details?: unknown;

  constructor(code: ApiErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = details;
  }

  toBody(): ApiErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** What every host returns for a call: never a thrown error across the wire. */
export type CallResult<T> = { ok: true; result: T } | { ok: false; error: ApiErrorBody };

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.message === 'string' &&
    (API_ERROR_CODES as readonly unknown[]).includes(candidate.code)
  );
}
