// Draws the toolbar icon (a relay arrow on a rounded square) as PNGs at the sizes the manifest needs.
// Run once when the design changes: node scripts/make-icons.mjs
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

/** @param {number} size the PNG's side @param {number} art the drawing's side, centred; the rest stays transparent */
function draw(size, art = size) {
  const px = Buffer.alloc(size * size * 4);
  const pad = (size - art) / 2;
  const r = art * 0.22;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const ax = x - pad, ay = y - pad;
      const u = (ax + 0.5) / art, v = (ay + 0.5) / art;
      // rounded square mask
      const dx = Math.max(r - (ax + 0.5), 0, ax + 0.5 - (art - r));
      const dy = Math.max(r - (ay + 0.5), 0, ay + 0.5 - (art - r));
      const inside = ax >= 0 && ay >= 0 && ax < art && ay < art && Math.hypot(dx, dy) <= r;
      let rgba = [0, 0, 0, 0];
      if (inside) {
        rgba = [0x1d, 0x4e, 0xd8, 255]; // blue tile
        // white arrow: shaft from left to right, head at right
        const shaft = v > 0.43 && v < 0.57 && u > 0.2 && u < 0.62;
        const head = u >= 0.55 && u < 0.82 && Math.abs(v - 0.5) < (0.82 - u) * 0.95;
        // small token dot at the left
        const dot = Math.hypot(u - 0.24, v - 0.5) < 0.1;
        if (shaft || head || dot) rgba = [255, 255, 255, 255];
      }
      px.set(rgba, (y * size + x) * 4);
    }
  }
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) px.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(new URL('../public/icon/', import.meta.url), { recursive: true });
// Toolbar sizes fill their square; the 128 px store icon is 96 px of artwork in 16 px of transparent
// padding, as the Chrome Web Store asks.
for (const size of [16, 32, 48]) writeFileSync(new URL(`../public/icon/${size}.png`, import.meta.url), draw(size));
writeFileSync(new URL('../public/icon/128.png', import.meta.url), draw(128, 96));
console.log('icons written to public/icon/');
