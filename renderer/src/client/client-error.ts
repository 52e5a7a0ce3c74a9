import type { ApiErrorBody, ApiErrorCode } from '@core/api';

/**
 * The error every failed call throws in the renderer: the host's ApiErrorBody,
 * kept intact so screens can branch on `code` and toasts can show `message`.
 */
export class ClientError extends Error {
  readonly code: ApiErrorCode;
  readonly details: unknown;

  constructor(body: ApiErrorBody) {
    super(body.message);
    this.name = 'ClientError';
    this.code = body.code;
    this.details = body.details;
  }
}

/** Failures that are about the link to the host, not about the request: worth a retry. */
export function isTransient(error: unknown): boolean {
  return error instanceof ClientError && error.code === 'unavailable';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'Something went wrong.';
}
