#!/usr/bin/env node
/**
 * Draws Syncwarden's icons (a shield holding two sync arrows) and writes them as PNGs,
 * with no dependency beyond node:zlib. Run `node scripts/make-icons.mjs`; the outputs
 * are committed, so this only needs re-running when the drawing changes.
 *
 *   resources/icon.png                 512x512 app icon (electron-builder makes .icns/.ico from it)
 *   resources/tray/trayTemplate.png    16x16  black on transparent: a macOS template image
 *   resources/tray/trayTemplate@2x.png 32x32  the same at 2x (macOS picks it up by name)
 *   resources/tray/tray.png            32x32  coloured tray icon for Windows and Linux
 *
 * Shapes are described in unit coordinates (0..1, y down) and supersampled for
 * anti-aliasing, so every size comes from the same drawing. Output is deterministic.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------- PNG encoding

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** RGBA8 pixels (length size*size*4) → PNG file bytes. */
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  // compression, filter and interlace bytes stay 0
  const stride = size * 4;
  const raw = Buffer.alloc((stride + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------- shapes (unit coordinates)

/** Rounded square inset by `m` with corner radius `r`. */
const roundedSquare = (m, r) => (x, y) => {
  const dx = Math.max(Math.abs(x - 0.5) - (0.5 - m - r), 0);
  const dy = Math.max(Math.abs(y - 0.5) - (0.5 - m - r), 0);
  return dx * dx + dy * dy <= r * r;
};

/** Shield centred on x=0.5: a top edge that dips slightly in the middle, straight sides, a curved point. */
function shield({ top, bottom, halfWidth, shoulder }) {
  return (x, y) => {
    const u = (x - 0.5) / halfWidth;
    if (Math.abs(u) > 1) return false;
    if (y < top + 0.02 * (1 - u * u) * (halfWidth / 0.36)) return false;
    if (y <= shoulder) return true;
    const t = (y - shoulder) / (bottom - shoulder);
    if (t >= 1) return false;
    return Math.abs(x - 0.5) <= halfWidth * Math.sqrt(1 - t ** 1.6);
  };
}

/**
 * Two circular arrows around (cx, cy): one over the top running clockwise, one under
 * the bottom, each ending in an arrowhead; together they read as "sync".
 */
function syncArrows({ cx, cy, r, stroke, head }) {
  const deg = Math.PI / 180;
  // Arcs in screen angles (y down, so increasing angle runs clockwise on screen).
  const arcs = [
    { from: 200 * deg, to: 325 * deg },
    { from: 20 * deg, to: 145 * deg },
  ];
  const inArc = (a, { from, to }) => {
    const span = (to - from + 2 * Math.PI) % (2 * Math.PI);
    const off = (a - from + 2 * Math.PI) % (2 * Math.PI);
    return off <= span;
  };
  const heads = arcs.map(({ to }) => {
    // Tip ahead of the arc end along the clockwise tangent; base across the stroke.
    const px = cx + r * Math.cos(to);
    const py = cy + r * Math.sin(to);
    const tx = -Math.sin(to);
    const ty = Math.cos(to);
    const nx = Math.cos(to);
    const ny = Math.sin(to);
    return [
      [px + nx * head, py + ny * head],
      [px - nx * head, py - ny * head],
      [px + tx * head * 1.25, py + ty * head * 1.25],
    ];
  });
  const inTriangle = (x, y, [[ax, ay], [bx, by], [qx, qy]]) => {
    const s1 = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
    const s2 = (qx - bx) * (y - by) - (qy - by) * (x - bx);
    const s3 = (ax - qx) * (y - qy) - (ay - qy) * (x - qx);
    return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0);
  };
  return (x, y) => {
    const d = Math.hypot(x - cx, y - cy);
    if (Math.abs(d - r) <= stroke / 2) {
      const a = (Math.atan2(y - cy, x - cx) + 2 * Math.PI) % (2 * Math.PI);
      if (arcs.some((arc) => inArc(a, arc))) return true;
    }
    return heads.some((tri) => inTriangle(x, y, tri));
  };
}

// ---------------------------------------------------------------- rendering

const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);
const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));

/**
 * Renders layers back to front. Each layer is { inside(x, y), color(x, y) → [r,g,b] } or
 * { inside, erase: true } to cut a hole. Coverage is averaged over samples² points per pixel.
 */
function render(size, layers, samples) {
  const out = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let acc = [0, 0, 0, 0]; // premultiplied r, g, b, a
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          let rgb = [0, 0, 0];
          let a = 0;
          for (const layer of layers) {
            if (!layer.inside(x, y)) continue;
            if (layer.erase) a = 0;
            else {
              rgb = layer.color(x, y);
              a = 1;
            }
          }
          acc = [acc[0] + rgb[0] * a, acc[1] + rgb[1] * a, acc[2] + rgb[2] * a, acc[3] + a];
        }
      }
      const n = samples * samples;
      const alpha = acc[3] / n;
      const i = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) out[i + c] = alpha > 0 ? Math.round(acc[c] / acc[3]) : 0;
      out[i + 3] = Math.round(alpha * 255);
    }
  }
  return out;
}

const SHIELD_TOP = hex('#2dd4bf');
const SHIELD_BOTTOM = hex('#0f766e');
const WHITE = [255, 255, 255];
const BLACK = [0, 0, 0];

function appIcon(size) {
  const bgTop = hex('#1e293b');
  const bgBottom = hex('#0f172a');
  const inShield = shield({ top: 0.17, bottom: 0.87, halfWidth: 0.3, shoulder: 0.48 });
  const rim = shield({ top: 0.15, bottom: 0.895, halfWidth: 0.32, shoulder: 0.48 });
  return render(
    size,
    [
      { inside: roundedSquare(0.04, 0.2), color: (_x, y) => mix(bgTop, bgBottom, y) },
      { inside: rim, color: () => hex('#99f6e4') },
      { inside: inShield, color: (_x, y) => mix(SHIELD_TOP, SHIELD_BOTTOM, (y - 0.17) / 0.7) },
      { inside: syncArrows({ cx: 0.5, cy: 0.485, r: 0.16, stroke: 0.058, head: 0.068 }), color: () => WHITE },
    ],
    4,
  );
}

/** Tray glyphs fill the canvas: at 16 px every pixel counts, so strokes are thicker. */
const trayShield = shield({ top: 0.03, bottom: 0.98, halfWidth: 0.44, shoulder: 0.45 });
const trayArrows = syncArrows({ cx: 0.5, cy: 0.47, r: 0.22, stroke: 0.12, head: 0.13 });

const trayTemplate = (size) =>
  render(
    size,
    [
      { inside: trayShield, color: () => BLACK },
      { inside: trayArrows, erase: true },
    ],
    8,
  );

const trayColour = (size) =>
  render(
    size,
    [
      { inside: trayShield, color: (_x, y) => mix(SHIELD_TOP, SHIELD_BOTTOM, y) },
      { inside: trayArrows, color: () => WHITE },
    ],
    8,
  );

const outputs = [
  ['resources/icon.png', 512, appIcon],
  ['resources/tray/trayTemplate.png', 16, trayTemplate],
  ['resources/tray/trayTemplate@2x.png', 32, trayTemplate],
  ['resources/tray/tray.png', 32, trayColour],
];

for (const [rel, size, draw] of outputs) {
  const file = join(root, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, encodePng(size, draw(size)));
  console.log(`wrote ${rel} (${size}x${size})`);
}
