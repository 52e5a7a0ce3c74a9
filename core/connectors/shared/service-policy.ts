import {
  bulkhead,
  ExponentialBackoff,
  handleWhen,
  retry,
  wrap,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
} from 'cockatiel';
import { isConnectorError, isTransient } from './connector-error';

/**
 * One retry and concurrency policy per service, built on cockatiel (the
 * resilience library VS Code's team maintains) instead of hand-written loops:
 * exponential backoff with decorrelated jitter, Retry-After honoured when the
 * service sends it, a bounded number of attempts, and a bulkhead that caps
 * concurrent requests. Retries never hold a concurrency slot while waiting.
 */
export interface ServicePolicyOptions {
  service: string;
  /** Requests in flight at once for this service. */
  concurrency: number;
  /** Total attempts per call, the first included. */
  maxAttempts?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Called for every request actually sent, retries included (API-call counts). */
  onRequest?: () => void;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

export interface ServicePolicy {
  readonly service: string;
  execute<T>(call: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Retries made so far through this policy. */
  readonly retries: number;
}

export function createServicePolicy(options: ServicePolicyOptions): ServicePolicy {
  const backoff = new RetryAfterBackoff(
    new ExponentialBackoff({ initialDelay: options.initialDelayMs ?? 250, maxDelay: options.maxDelayMs ?? 30_000 }),
    options.maxDelayMs ?? 30_000,
  );
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  // A service that asks us to wait longer than we ever would (an hourly budget spent)
  // gets no retries: each would only burn another refused request.
  const worthRetrying = (error: unknown) => isTransient(error) && !(isConnectorError(error) && (error.retryAfterMs ?? 0) > maxDelayMs);
  const retrying = retry(handleWhen(worthRetrying), { maxAttempts: (options.maxAttempts ?? 5) - 1, backoff });
  const limit = bulkhead(options.concurrency, Number.POSITIVE_INFINITY);
  const policy = wrap(retrying, limit);
  let retries = 0;
  retrying.onRetry((event) => {
    retries++;
    options.onRetry?.({ attempt: event.attempt, delayMs: event.delay, error: 'error' in event ? event.error : undefined });
  });

  return {
    service: options.service,
    get retries() {
      return retries;
    },
    execute(call, signal) {
      return policy.execute(({ signal: policySignal }) => {
        options.onRequest?.();
        return call(policySignal);
      }, signal);
    },
  };
}

/** Exponential backoff, but never shorter than what the service asked for in Retry-After (capped). */
class RetryAfterBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(
    private readonly inner: IBackoffFactory<unknown>,
    private readonly maxDelayMs: number,
  ) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const step = this.inner.next(context);
    const error = 'error' in context.result ? context.result.error : undefined;
    const asked = isConnectorError(error) ? (error.retryAfterMs ?? 0) : 0;
    return {
      duration: Math.min(this.maxDelayMs, Math.max(step.duration, asked)),
      next: (ctx) => new RetryAfterBackoff(step, this.maxDelayMs).next(ctx),
    };
  }
}
