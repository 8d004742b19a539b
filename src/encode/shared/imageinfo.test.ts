import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { sniffImage } from './imageinfo.ts';

test('real JPEG and PNG files: format and size from the header', () => {
  const dir = '../shared/datasets/fashion_mnist';
  const cls = readdirSync(dir).find((d) => !d.includes('.'))!;
  const png = readFileSync(`${dir}/${cls}/${readdirSync(`${dir}/${cls}`)[0]}`);
  assert.deepEqual(sniffImage(png), { format: 'png', width: 28, height: 28 });
  const pets = '../shared/datasets/pets/beagle';
  const jpg = sniffImage(readFileSync(`${pets}/${readdirSync(pets)[0]}`))!;
  assert.equal(jpg.format, 'jpeg');
  assert.ok(jpg.width! > 0 && jpg.width! <= 128 && jpg.height! > 0 && jpg.height! <= 128);
});

test('hand-made headers: GIF, BMP, WebP (VP8X); text and truncated data are not images', () => {
  const gif = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x40, 0x01, 0xf0, 0x00]);
  assert.deepEqual(sniffImage(gif), { format: 'gif', width: 320, height: 240 });
  const bmp = new Uint8Array(26);
  bmp.set([0x42, 0x4d]);
  new DataView(bmp.buffer).setInt32(18, 640, true);
  new DataView(bmp.buffer).setInt32(22, -480, true); // top-down bitmap
  assert.deepEqual(sniffImage(bmp), { format: 'bmp', width: 640, height: 480 });
  const webp = new Uint8Array(30);
  webp.set([...'RIFF'].map((c) => c.charCodeAt(0)), 0);
  webp.set([...'WEBPVP8X'].map((c) => c.charCodeAt(0)), 8);
  webp.set([0xff, 0x0f, 0x00, 0x7f, 0x02, 0x00], 24); // 4096 x 640
  assert.deepEqual(sniffImage(webp), { format: 'webp', width: 4096, height: 640 });
  assert.equal(sniffImage(new TextEncoder().encode('hello, not an image')), null);
  assert.equal(sniffImage(new Uint8Array([0xff, 0xd8])), null);
});
