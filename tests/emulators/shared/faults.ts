/**
 * Fault scripts: per route, what to answer instead of the real handler, for
 * the next `times` calls or with probability `probability` (seeded, so a test
 * is repeatable). Used to inject 429 storms, 5xx, timeouts and revoked grants.
 * The route `*` (ANY_ROUTE) matches every route of the emulator; a fault on
 * the route itself is consulted first.
 */
export const ANY_ROUTE = '*';

/**
 * Answers that are not the service's own, as a gateway, proxy or front end in
 * front of it sends them: Google's front-end HTML error page (api-facts-2 §11),
 * an empty body, or JSON of another shape (a typical API gateway's).
 */
export type ForeignAnswer = 'html' | 'empty' | 'json';

export interface FaultScript {
  status: number;
  /** JSON-serialisable body, or a string sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait before answering (a timeout test sets this above the client's timeout). */
  delayMs?: number;
  /** Apply to the next K matching calls, then stop. Default: until cleared. */
  times?: number;
  /** Apply to each matching call with this probability (0..1). */
  probability?: number;
  /** Close the socket instead of answering (a network error). */
  drop?: boolean;
  /** After `delayMs`, answer as the real handler would (a slow service, not a failing one); `status` is ignored. */
  passThrough?: boolean;
  /**
   * Send the headers (full Content-Length) and only the first N bytes of the
   * body, then go silent with the socket open: a download that stalls mid-body,
   * which only a client's idle timeout can end. Applies to the fault's own
   * answer, or to the real handler's with `passThrough`.
   */
  stallAfterBytes?: number;
  /** Answer `status` with a foreign body instead of `body` (see ForeignAnswer). */
  foreign?: ForeignAnswer;
}

/** A foreign answer on any route (or one route): `emulator.fault(ANY_ROUTE, foreignFault('html'))`. */
export function foreignFault(kind: ForeignAnswer, status = 404, extra: Partial<FaultScript> = {}): FaultScript {
  return { status, foreign: kind, ...extra };
}

/** The body and headers of a foreign answer with this status. */
export function foreignResponse(kind: ForeignAnswer, status: number, path: string): { body: string | object | undefined; headers: Record<string, string> } {
  if (kind === 'empty') return { body: undefined, headers: { 'Content-Type': 'text/html; charset=UTF-8' } };
  if (kind === 'json') return { body: { message: status === 404 ? 'no Route matched with those values' : 'An unexpected error occurred', request_id: 'gw-7f3a' }, headers: {} };
  const reason = status === 404 ? 'Not Found' : status === 502 ? 'Server Error' : 'Error';
  const text = status === 404 ? `The requested URL <code>${escapeHtml(path)}</code> was not found on this server.` : 'The server encountered a temporary error and could not complete your request.';
  const html = `<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n  <title>Error ${status} (${reason})!!1</title>\n  <p><b>${status}.</b> <ins>That’s an error.</ins>\n  <p>${text}  <ins>That’s all we know.</ins>\n`;
  return { body: html, headers: { 'Content-Type': 'text/html; charset=UTF-8' } };
}

const escapeHtml = (value: string) => value.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

interface ActiveFault extends FaultScript {
  remaining: number;
}

export class FaultBook {
  private readonly faults = new Map<string, ActiveFault[]>();
  private seed: number;

  constructor(seed = 42) {
    this.seed = seed;
  }

  add(route: string, script: FaultScript): void {
    const list = this.faults.get(route) ?? [];
    list.push({ ...script, remaining: script.times ?? Number.POSITIVE_INFINITY });
    this.faults.set(route, list);
  }

  clear(route?: string): void {
    if (route === undefined) this.faults.clear();
    else this.faults.delete(route);
  }

  /** The fault to apply to this call of `route`, if any (consumes one use). */
  take(route: string): FaultScript | undefined {
    return this.takeFrom(route) ?? (route === ANY_ROUTE ? undefined : this.takeFrom(ANY_ROUTE));
  }

  private takeFrom(route: string): FaultScript | undefined {
    const list = this.faults.get(route);
    if (!list) return undefined;
    for (const fault of list) {
      if (fault.remaining <= 0) continue;
      if (fault.probability !== undefined && this.random() >= fault.probability) continue;
      fault.remaining--;
      return fault;
    }
    return undefined;
  }

  /** mulberry32: small, seeded, good enough for fault sampling. */
  private random(): number {
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let t = this.seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
