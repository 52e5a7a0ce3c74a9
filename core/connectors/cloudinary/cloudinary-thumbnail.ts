import { sdk } from './cloudinary-sdk';

/**
 * The delivery URL of a video's poster frame, built offline by the SDK
 * (api-facts §6): `https://res.cloudinary.com/<cloud>/video/upload/so_auto/v<version>/<public_id>.jpg`.
 * `so_auto` lets Cloudinary pick a representative frame; `urlAnalytics: false`
 * keeps the SDK's `?_a=` tracking query out of URLs we store in the app DB.
 * Without a version the SDK inserts `v1/` for public ids that contain a `/`. With `deliveryBase`
 * the CDN's origin is replaced by it (the emulator, which serves a placeholder per public id).
 */
const CDN = 'https://res.cloudinary.com';

const sdkOptions = (cloudName: string, version: number | undefined): Record<string, unknown> => ({
  cloud_name: cloudName,
  resource_type: 'video',
  type: 'upload',
  format: 'jpg',
  start_offset: 'auto',
  secure: true,
  urlAnalytics: false,
  ...(version === undefined ? {} : { version }),
});

/**
 * What the SDK's url() puts before the public id for this cloud (origin, cloud, `video/upload/so_auto/`),
 * read from the SDK itself, or null when the SDK does not build URLs the way the fast path assumes (a global
 * config with CDN subdomains picked by a hash of the id, or without the forced `v1/`): then every URL goes
 * through the SDK.
 */
function readPrefix(cloudName: string): string | null {
  const a = sdk().url('a', sdkOptions(cloudName, undefined));
  if (!a.endsWith('/a.jpg')) return null;
  const prefix = a.slice(0, -'a.jpg'.length);
  const ok =
    sdk().url('b_c', sdkOptions(cloudName, undefined)) === `${prefix}b_c.jpg` &&
    sdk().url('d/e', sdkOptions(cloudName, undefined)) === `${prefix}v1/d/e.jpg` &&
    sdk().url('d/e', sdkOptions(cloudName, 7)) === `${prefix}v7/d/e.jpg`;
  return ok ? prefix : null;
}

const prefixes = new Map<string, string | null>();

/** The SDK's own special cases: an already-versioned image/raw path it re-parses (`preloaded`). */
const PRELOADED = /^(image|raw)\/([a-z0-9_]+)\/v(\d+)\/([^#]+)$/;
const ENCODED_COLON = /%3A/g;
const ENCODED_SLASH = /%2F/g;
const VERSIONED = /^v[0-9]+/;

/**
 * The SDK's url() for the ids products really use, as a string template: about 56 µs an id through the SDK
 * (option merging, transformation building), under 1 µs here, for 50,000 ids a run. Exactly the SDK's steps
 * for such an id (encodeURIComponent with `:` and `/` kept, `.jpg`, `v<version>/` or the forced `v1/`);
 * any id the SDK treats specially (a `%` it would decode first, a `:` or URL, `//` it collapses, a preloaded
 * image/raw path, the empty id) goes through the SDK. tests/unit/cloudinary-thumbnail.test.ts holds both
 * paths to the SDK's answer on hostile ids.
 */
function fromTemplate(cloudName: string, publicId: string, version: number | undefined): string | undefined {
  let prefix = prefixes.get(cloudName);
  if (prefix === undefined) {
    prefix = readPrefix(cloudName);
    prefixes.set(cloudName, prefix);
  }
  if (prefix === null || publicId === '') return undefined;
  if (publicId.includes('%') || publicId.includes(':') || publicId.includes('//') || PRELOADED.test(publicId)) return undefined;
  let encoded: string;
  try {
    encoded = encodeURIComponent(publicId).replace(ENCODED_COLON, ':').replace(ENCODED_SLASH, '/');
  } catch {
    return undefined; // a lone surrogate: the SDK throws its own error for it
  }
  const versionPart = version !== undefined ? `v${version}/` : encoded.includes('/') && !VERSIONED.test(encoded) ? 'v1/' : '';
  return `${prefix}${versionPart}${encoded}.jpg`;
}

export function videoThumbnailUrl(cloudName: string, publicId: string, options: { version?: number; deliveryBase?: string } = {}): string {
  const url = fromTemplate(cloudName, publicId, options.version) ?? sdk().url(publicId, sdkOptions(cloudName, options.version));
  return options.deliveryBase ? `${options.deliveryBase.replace(/\/+$/, '')}${url.slice(CDN.length)}` : url;
}

