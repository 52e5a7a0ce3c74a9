import { v2 as cloudinary } from 'cloudinary';
import { describe, expect, it } from 'vitest';
import { videoThumbnailUrl } from '../../core/connectors/cloudinary/cloudinary-thumbnail';

/**
 * videoThumbnailUrl builds most URLs from a template instead of calling the SDK's url() per asset (#19). The
 * URL is stored in the product DB, so it must be byte for byte what the SDK builds: every id below, and a few
 * thousand random ones over a hostile alphabet, are held to the SDK's own cloudinary.url with the options the
 * connector used before the template (or to the same error when the SDK throws).
 */
const bySdk = (cloudName: string, publicId: string, version?: number): string =>
  cloudinary.url(publicId, {
    cloud_name: cloudName,
    resource_type: 'video',
    type: 'upload',
    format: 'jpg',
    start_offset: 'auto',
    secure: true,
    urlAnalytics: false,
    ...(version === undefined ? {} : { version }),
  });

const outcome = (build: () => string): string => {
  try {
    return build();
  } catch (error) {
    return `threw ${(error as Error).name}: ${(error as Error).message}`;
  }
};

const HOSTILE = [
  'onboarding-walkthrough_q3tx1a',
  'media/users/linus@example.com/videos/kernel-talk',
  'media/users/o\'brien+tag@example.com/clips/a (1)',
  'a b  c',
  'ünïcödé/視頻/🎬',
  'percent%20encoded',
  'bad%zzescape',
  '100%',
  'a:b',
  'https://evil.example/x',
  'HTTP:/x',
  'a//b',
  '//lead',
  '///triple',
  '/lead',
  'trail/',
  'v12/x',
  'v1x/y',
  'vx/y',
  'V12/x',
  'image/upload/v12/foo',
  'raw/private/v3/a#b',
  'image/UPLOAD/v12/foo',
  'video/upload/v12/foo',
  'a?b#c&d=e',
  '..',
  '.',
  "'()!*~-_.",
  '[]{}<>|\\^`"',
  'a\u0000b',
  'tab\there/new\nline',
  'lone\uD800surrogate',
  '',
  ' ',
  'a.jpg',
  'x'.repeat(2000),
];

const CLOUDS = ['demo', 'my cloud', 'Cloud-9'];
const VERSIONS: (number | undefined)[] = [undefined, 1740906900, 0, 1];

/** A fixed-seed generator, so a failure names an id that reproduces. */
function* randomIds(count: number): Generator<string> {
  const alphabet = ['a', 'Z', '0', '/', '/', ':', '%', '2', 'F', 'v', '1', ' ', '@', '+', '#', '?', '.', 'é', '🎬', '\uD800', 'image/', 'raw/', 'http', '_', '-', '~'];
  let seed = 19;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  for (let i = 0; i < count; i++) {
    const length = next() % 12;
    let id = '';
    for (let j = 0; j < length; j++) id += alphabet[next() % alphabet.length];
    yield id;
  }
}

describe('videoThumbnailUrl', () => {
  it('builds exactly the URL the SDK builds, for hostile public ids, with and without a version', () => {
    for (const cloud of CLOUDS) {
      for (const id of HOSTILE) {
        for (const version of VERSIONS) {
          const expected = outcome(() => bySdk(cloud, id, version));
          const options = version === undefined ? {} : { version };
          expect(outcome(() => videoThumbnailUrl(cloud, id, options)), JSON.stringify({ cloud, id, version })).toBe(expected);
        }
      }
    }
  });

  it('builds exactly the URL the SDK builds for random ids over a hostile alphabet', () => {
    for (const id of randomIds(5_000)) {
      for (const version of [undefined, 42]) {
        const expected = outcome(() => bySdk('demo', id, version));
        expect(outcome(() => videoThumbnailUrl('demo', id, version === undefined ? {} : { version })), JSON.stringify({ id, version })).toBe(expected);
      }
    }
  });

  it('swaps the CDN origin for deliveryBase on the same path', () => {
    const id = 'media/users/linus@example.com/videos/kernel-talk';
    const sdkUrl = bySdk('demo', id, 5);
    expect(videoThumbnailUrl('demo', id, { version: 5, deliveryBase: 'http://127.0.0.1:9/base//' })).toBe(
      `http://127.0.0.1:9/base${sdkUrl.slice('https://res.cloudinary.com'.length)}`,
    );
  });
});
