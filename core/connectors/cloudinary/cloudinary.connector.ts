import { ConnectorError, isConnectorError } from '../shared/connector-error';
import type { ConnectionCheck } from '../shared/connection-check';
import { createServicePolicy, type ServicePolicy } from '../shared/service-policy';
import { createRequestAgent } from './cloudinary-agent';
import { TimeSlicer, yieldToEventLoop } from '../../base/cooperative';
import { parseResource, readRateLimit, safeParseResource, searchEnvelopeSchema, toAsset } from './cloudinary-asset';
import { toCloudinaryError } from './cloudinary-errors';
import { sdk, type CloudinaryCallOptions } from './cloudinary-sdk';
import { videoThumbnailUrl } from './cloudinary-thumbnail';
import {
  CLOUDINARY_MAX_RESULTS,
  CLOUDINARY_SERVICE,
  cloudinaryConnectorOptionsSchema,
  type CloudinaryAsset,
  type CloudinaryConnectorOptions,
  type CloudinaryRateLimit,
  type CloudinaryResourceType,
  type CloudinarySearchPage,
  type CloudinarySearchRequest,
} from './cloudinary-types';

export interface CloudinaryConnector {
  readonly cloudName: string;
  /** One page of the Search API (at most 500 assets), with the budget the answer reported. */
  search(request: CloudinarySearchRequest, signal?: AbortSignal): Promise<CloudinarySearchPage>;
  /** Every page of a search, following next_cursor to the end; a failure on any page rejects (never a partial listing). */
  searchAll(request: Omit<CloudinarySearchRequest, 'nextCursor'>, signal?: AbortSignal): AsyncGenerator<CloudinarySearchPage>;
  /** One asset; rejects with `not-found` only when Cloudinary says it does not exist. */
  getResource(publicId: string, resourceType?: CloudinaryResourceType, signal?: AbortSignal): Promise<CloudinaryAsset>;
  videoThumbnailUrl(publicId: string, options?: { version?: number }): string;
  /** The latest known Admin API budget (undefined until an answer carried it). */
  rateLimit(): CloudinaryRateLimit | undefined;
  /** One cheap authenticated call (`ping`), never retried, so a bad key answers at once. */
  testConnection(): Promise<ConnectionCheck>;
  readonly policy: ServicePolicy;
}

export function createCloudinaryConnector(input: CloudinaryConnectorOptions): CloudinaryConnector {
  const options = cloudinaryConnectorOptionsSchema.parse(input);
  const agent = createRequestAgent(options.uploadPrefix, options.timeoutMs);
  const policyOptions = { concurrency: 4, ...input.policy, service: CLOUDINARY_SERVICE };
  const policy = createServicePolicy(policyOptions);
  const probePolicy = createServicePolicy({ ...policyOptions, maxAttempts: 1 });
  let latest: CloudinaryRateLimit | undefined;

  const callOptions = (extra: Partial<CloudinaryCallOptions> = {}): CloudinaryCallOptions => ({
    cloud_name: options.cloudName,
    api_key: options.apiKey,
    api_secret: options.apiSecret,
    upload_prefix: options.uploadPrefix,
    agent,
    timeout: options.timeoutMs,
    ...extra,
  });

  /** Runs one SDK call through the shared policy, mapping its rejection and recording the budget. */
  async function call<T>(what: string, send: () => Promise<T>, via: ServicePolicy, signal?: AbortSignal): Promise<T> {
    return via.execute(async (attemptSignal) => {
      attemptSignal.throwIfAborted();
      try {
        const result = await abortable(send(), attemptSignal);
        latest = readRateLimit(result) ?? latest;
        return result;
      } catch (error) {
        if (attemptSignal.aborted) throw error; // cancellation is not a service outcome
        const mapped = toCloudinaryError(error, what, latest);
        // A 420 proves the budget is spent until the known reset.
        if (mapped.kind === 'rate-limited' && latest) latest = { ...latest, remaining: 0 };
        throw mapped;
      }
    }, signal);
  }

  async function search(request: CloudinarySearchRequest, signal?: AbortSignal): Promise<CloudinarySearchPage> {
    const maxResults = Math.min(Math.max(1, request.maxResults ?? CLOUDINARY_MAX_RESULTS), CLOUDINARY_MAX_RESULTS);
    const sort = request.sortBy ?? { field: 'created_at', direction: 'desc' as const };
    const result = await call(
      'search',
      () => {
        // A new builder per attempt: the builder and its options are mutated by execute().
        let builder = sdk().search.instance().expression(request.expression).max_results(maxResults).sort_by(sort.field, sort.direction);
        if (request.withFields?.length) builder = builder.with_field([...request.withFields]);
        if (request.nextCursor) builder = builder.next_cursor(request.nextCursor);
        return builder.execute(callOptions());
      },
      policy,
      signal,
    );
    // The SDK has just parsed the whole body in the same task: give the host a turn before our own work.
    await yieldToEventLoop();
    const parsed = searchEnvelopeSchema.safeParse(result);
    if (!parsed.success) throw new ConnectorError('unavailable', CLOUDINARY_SERVICE, `search: unexpected answer (${parsed.error.message})`);
    const assets: CloudinaryAsset[] = [];
    const slicer = new TimeSlicer();
    for (const [index, raw] of parsed.data.resources.entries()) {
      const resource = safeParseResource(raw);
      if (!resource.success) throw new ConnectorError('unavailable', CLOUDINARY_SERVICE, `search: unexpected answer (resources.${index}: ${resource.error.message})`);
      assets.push(toAsset(resource.data));
      await slicer.maybeYield(signal);
    }
    return {
      assets,
      totalCount: parsed.data.total_count ?? parsed.data.resources.length,
      nextCursor: parsed.data.next_cursor || undefined,
      rateLimit: readRateLimit(result),
    };
  }

  async function* searchAll(request: Omit<CloudinarySearchRequest, 'nextCursor'>, signal?: AbortSignal): AsyncGenerator<CloudinarySearchPage> {
    const seen = new Set<string>();
    let nextCursor: string | undefined;
    do {
      const page = await search({ ...request, ...(nextCursor ? { nextCursor } : {}) }, signal);
      yield page;
      nextCursor = page.nextCursor;
      // Invariant: the loop ends. A cursor that comes back twice would list forever.
      if (nextCursor !== undefined && seen.has(nextCursor)) {
        throw new ConnectorError('unavailable', CLOUDINARY_SERVICE, `search: next_cursor repeated (${nextCursor}); listing stopped`);
      }
      if (nextCursor !== undefined) seen.add(nextCursor);
    } while (nextCursor !== undefined);
  }

  async function getResource(publicId: string, resourceType: CloudinaryResourceType = 'video', signal?: AbortSignal) {
    const result = await call(`resource ${publicId}`, () => sdk().api.resource(publicId, callOptions({ resource_type: resourceType, type: 'upload' })), policy, signal);
    try {
      return parseResource(result);
    } catch (error) {
      throw new ConnectorError('unavailable', CLOUDINARY_SERVICE, `resource ${publicId}: unexpected answer`, { cause: error });
    }
  }

  async function testConnection(): Promise<ConnectionCheck> {
    try {
      await call('ping', () => sdk().api.ping(callOptions()), probePolicy);
      return { ok: true, status: 'ok', message: `cloud ${options.cloudName} answered ping` };
    } catch (error) {
      if (!isConnectorError(error)) throw error;
      if (error.kind === 'unauthorized' || error.kind === 'forbidden' || error.kind === 'misconfigured') return { ok: false, status: 'bad-credentials', message: error.message };
      // No HTTP answer at all (refused, DNS, timeout): the network code is kept as `reason`.
      if (error.kind === 'unavailable' && error.status === undefined && error.reason !== undefined) return { ok: false, status: 'unreachable', message: error.message };
      return { ok: false, status: 'error', message: error.message };
    }
  }

  return {
    cloudName: options.cloudName,
    policy,
    search,
    searchAll,
    getResource,
    videoThumbnailUrl: (publicId, thumbOptions) => videoThumbnailUrl(options.cloudName, publicId, { ...thumbOptions, ...(options.deliveryBase ? { deliveryBase: options.deliveryBase } : {}) }),
    rateLimit: () => latest,
    testConnection,
  };
}

/** The SDK takes no AbortSignal: stop waiting on abort (the socket timeout still ends the request). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
