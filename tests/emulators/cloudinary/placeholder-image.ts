/**
 * The emulator's delivery side: a small SVG per public id, so a demo's thumbnails load
 * offline. The colour comes from the id, so two assets are told apart at a glance; the
 * label is the id's last segment, escaped for XML.
 */
export function placeholderSvg(publicId: string): string {
  let hash = 0;
  for (const char of publicId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const hue = hash % 360;
  const name = (publicId.split('/').pop() ?? publicId).replace(/\.[a-z0-9]+$/i, '').slice(0, 24);
  const label = name.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="180" viewBox="0 0 320 180">',
    `<rect width="320" height="180" fill="hsl(${hue} 45% 42%)"/>`,
    '<polygon points="140,65 140,115 185,90" fill="rgba(255,255,255,0.85)"/>',
    `<text x="160" y="160" font-family="sans-serif" font-size="16" fill="#fff" text-anchor="middle">${label}</text>`,
    '</svg>',
  ].join('');
}

const TRANSFORMATION = /^[a-z]{1,3}_[^,/]+(,[a-z]{1,3}_[^,/]+)*$/;

/**
 * The public id in a delivery path after `upload/`: what follows the version (`v123`) when there is one,
 * else what follows the transformation segments (`so_auto`, `w_96,h_54`); the format is dropped.
 */
export function publicIdOfDeliveryPath(rest: string): string {
  let segments = rest.split('/');
  const versionAt = segments.findIndex((segment) => /^v\d+$/.test(segment));
  if (versionAt >= 0) segments = segments.slice(versionAt + 1);
  else while (segments.length > 1 && TRANSFORMATION.test(segments[0] ?? '')) segments = segments.slice(1);
  return segments.join('/').replace(/\.[a-z0-9]+$/i, '');
}
