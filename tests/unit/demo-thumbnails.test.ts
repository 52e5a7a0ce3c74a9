import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { videoThumbnailUrl } from '../../core/connectors/cloudinary/cloudinary-thumbnail';
import { contentSecurityPolicy } from '../../core/server/csp';
import { demoImageOrigins } from '../../core/server/demo-image-origins';
import { markDemoDataDir } from '../../core/secrets/demo-file.secret-store';
import { placeholderSvg, publicIdOfDeliveryPath } from '../emulators/cloudinary/placeholder-image';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sw-thumbs-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const cloudinary = (deliveryBaseUrl: string) => ({ kind: 'cloudinary' as const, config: { cloudName: 'c', deliveryBaseUrl } });

describe('demo thumbnails', () => {
  it('a delivery base replaces the CDN origin; without one the URL is Cloudinary’s', () => {
    expect(videoThumbnailUrl('demo', 'ada-video-1', { version: 3 })).toBe('https://res.cloudinary.com/demo/video/upload/so_auto/v3/ada-video-1.jpg');
    expect(videoThumbnailUrl('demo', 'ada-video-1', { version: 3, deliveryBase: 'http://127.0.0.1:9000/' })).toBe('http://127.0.0.1:9000/demo/video/upload/so_auto/v3/ada-video-1.jpg');
  });

  it('the emulator finds the public id in a delivery path, with or without version and transformations', () => {
    expect(publicIdOfDeliveryPath('so_auto/v3/ada-video-1.jpg')).toBe('ada-video-1');
    expect(publicIdOfDeliveryPath('so_auto/v1/media/users/a@x.com/videos/talk.jpg')).toBe('media/users/a@x.com/videos/talk');
    expect(publicIdOfDeliveryPath('w_96,h_54/so_auto/clip_one.jpg')).toBe('clip_one');
  });

  it('the placeholder is an SVG that names the asset, escaped', () => {
    const svg = placeholderSvg('folder/<b>&talk');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('&#60;b&#62;&#38;talk');
    expect(svg).not.toContain('<b>');
  });

  it('browser mode allows the emulator’s images only in a demo data dir and only from loopback http', () => {
    const plain = tempDir();
    expect(demoImageOrigins(plain, [cloudinary('http://127.0.0.1:9000')])).toEqual([]);
    const demo = tempDir();
    markDemoDataDir(demo);
    expect(demoImageOrigins(demo, [cloudinary('http://127.0.0.1:9000/x'), cloudinary('https://cdn.example.com'), cloudinary('http://evil.example.com'), { kind: 'google', config: { deliveryBaseUrl: 'http://127.0.0.1:1' } }])).toEqual(['http://127.0.0.1:9000']);
  });

  it('the CSP names the extra image origin only when asked', () => {
    const imgSrc = (csp: string) => csp.split('; ').find((d) => d.startsWith('img-src '));
    expect(imgSrc(contentSecurityPolicy())).toBe("img-src 'self' data: blob: https://res.cloudinary.com");
    expect(imgSrc(contentSecurityPolicy({ imgSrc: ['http://127.0.0.1:9000'] }))).toBe("img-src 'self' data: blob: https://res.cloudinary.com http://127.0.0.1:9000");
  });
});
