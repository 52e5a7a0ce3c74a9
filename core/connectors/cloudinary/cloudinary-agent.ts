import http from 'node:http';
import https from 'node:https';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * The HTTP agent every Cloudinary SDK call is sent through. Two reasons it exists:
 * - The SDK picks `http` or `https` once, at module load, from the global
 *   `upload_prefix` (api-facts §0.1). An agent whose protocol matches this
 *   connector's own `uploadPrefix` works whichever module the SDK picked, so
 *   several connectors (real cloud, emulators) can live in one process.
 * - The SDK's `timeout` option only calls `request.setTimeout(ms)` with no
 *   handler, so a silent server hangs the call forever (checked on 2.11.0).
 *   Our sockets destroy themselves on their 'timeout' event, with an
 *   `ETIMEDOUT` error the SDK passes through as a plain network failure.
 *   `request.setTimeout` re-sets the socket's duration, so the connector must
 *   also pass the same `timeout` in every call's options.
 * It keeps connections alive between calls (the SDK's own default agent does
 * not): a scan sends its pages one after another, and a new TCP (and TLS)
 * handshake per page cost more than the request itself against a near
 * server. An idle pooled socket is unref'd by the agent, so it never holds
 * the process open, and its idle timeout destroys it like a silent one.
 */
export function createRequestAgent(uploadPrefix: string, timeoutMs: number): http.Agent {
  return new URL(uploadPrefix).protocol === 'http:' ? new TimeoutHttpAgent(timeoutMs) : new TimeoutHttpsAgent(timeoutMs);
}

class TimeoutHttpAgent extends http.Agent {
  constructor(private readonly timeoutMs: number) {
    super({ keepAlive: true });
  }

  override createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void) {
    return arm(super.createConnection(options, callback), this.timeoutMs);
  }
}

class TimeoutHttpsAgent extends https.Agent {
  constructor(private readonly timeoutMs: number) {
    super({ keepAlive: true });
  }

  override createConnection(options: https.RequestOptions, callback?: (err: Error | null, stream: Duplex) => void) {
    return arm(super.createConnection(options, callback), this.timeoutMs);
  }
}

function arm<T extends Duplex | null | undefined>(stream: T, timeoutMs: number): T {
  if (stream instanceof Socket) {
    stream.setTimeout(timeoutMs, () => {
      const error = Object.assign(new Error(`Cloudinary sent nothing for ${timeoutMs} ms`), { code: 'ETIMEDOUT' });
      stream.destroy(error);
    });
  }
  return stream;
}
