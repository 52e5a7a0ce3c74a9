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

export function videoThumbnailUrl(cloudName: string, publicId: string, options: { version?: number; deliveryBase?: string } = {}): string {
  const url = sdk.url(publicId, {
    cloud_name: cloudName,
    resource_type: 'video',
    type: 'upload',
    format: 'jpg',
    start_offset: 'auto',
    secure: true,
    urlAnalytics: false,
    ...(options.version === undefined ? {} : { version: options.version }),
  });
  return options.deliveryBase ? `${options.deliveryBase.replace(/\/+$/, '')}${url.slice(CDN.length)}` : url;
}
