import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { decodePngBounded, boundedSize } from './png-stream.ts';
import { writePng, type PngSpec } from '../node/png-write.ts';

const dir = mkdtempSync(join(tmpdir(), 'png-stream-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

async function roundTrip(name: string, spec: PngSpec) {
  const path = join(dir, `${name}.png`);
  await writePng(path, spec);
  const bytes = new Uint8Array(readFileSync(path));
  const ref = PNG.sync.read(Buffer.from(bytes)); // pngjs: a whole-image decoder, the reference
  return { bytes, ref };
}

// a deterministic texture: every byte of every row differs, so each filter really predicts
const texture = (w: number, seed: number) => (y: number) => Uint8Array.from({ length: w }, (_, x) => (x * 7 + y * 13 + seed + ((x * y) % 11)) & 255);

const cases: [string, Omit<PngSpec, 'row'>, (bytesPerRow: number) => PngSpec['row']][] = [
  ['grey 8', { width: 37, height: 23, colorType: 0, bitDepth: 8 }, (n) => texture(n, 1)],
  ['rgb 8', { width: 37, height: 23, colorType: 2, bitDepth: 8 }, (n) => texture(n, 2)],
  ['rgba 8', { width: 19, height: 31, colorType: 6, bitDepth: 8 }, (n) => texture(n, 3)],
  ['grey+alpha 8', { width: 21, height: 17, colorType: 4, bitDepth: 8 }, (n) => texture(n, 4)],
  ['rgb 16', { width: 13, height: 11, colorType: 2, bitDepth: 16 }, (n) => texture(n, 5)],
  ['grey 4', { width: 29, height: 9, colorType: 0, bitDepth: 4 }, (n) => texture(n, 6)],
  ['grey 1', { width: 45, height: 7, colorType: 0, bitDepth: 1 }, (n) => texture(n, 7)],
];

for (const [name, spec, rowOf] of cases) {
  test(`PNG ${name}: streamed decode equals a whole-image decoder (pngjs), every filter type`, async () => {
    const ch = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[spec.colorType];
    const n = Math.ceil((spec.width * ch * spec.bitDepth) / 8);
    const { bytes, ref } = await roundTrip(name.replace(/\W/g, '_'), { ...spec, row: rowOf(n) });
    const { img, downscaled } = await decodePngBounded(bytes, 4096);
    assert.equal(downscaled, false);
    assert.deepEqual([img.width, img.height], [spec.width, spec.height]);
    let worst = 0;
    for (let i = 0; i < img.data.length; i++) worst = Math.max(worst, Math.abs(img.data[i] - ref.data[i]));
    // 16-bit: we keep the high byte, pngjs rounds v * 255 / 65535: at most 1 apart
    assert.ok(worst <= (spec.bitDepth === 16 ? 1 : 0), `max difference ${worst}`);
  });
}

test('PNG palette 4-bit with tRNS: colours and alpha from the palette', async () => {
  const palette = Uint8Array.from({ length: 16 * 3 }, (_, i) => (i * 17) & 255);
  const trns = Uint8Array.from({ length: 5 }, (_, i) => i * 60);
  const { bytes } = await roundTrip('pal', { width: 10, height: 3, colorType: 3, bitDepth: 4, palette, trns, row: (y) => Uint8Array.from({ length: 5 }, (_, x) => ((2 * x + y) << 4) | (2 * x + 1 + y)) });
  const { img } = await decodePngBounded(bytes, 100);
  // pixel (x=3, y=1): index 2*1+1+1 = 4 (low nibble of byte 1 of row 1)
  const v = 4, p = 4 * (1 * 10 + 3);
  assert.deepEqual(Array.from(img.data.subarray(p, p + 4)), [palette[3 * v], palette[3 * v + 1], palette[3 * v + 2], trns[v]]);
});

test('downscaling is a box average: known values on a two-colour image', async () => {
  // 40 x 20, left half red, right half blue, bottom quarter rows green: to long side 10 -> 10 x 5
  const W = 40, H = 20;
  const { bytes } = await roundTrip('halves', {
    width: W, height: H, colorType: 2, bitDepth: 8,
    row: (y) => Uint8Array.from({ length: W * 3 }, (_, i) => {
      const x = Math.floor(i / 3), c = i % 3;
      if (y >= 15) return c === 1 ? 200 : 0;
      return (x < 20 ? c === 0 : c === 2) ? 255 : 0;
    }),
  });
  const { img, downscaled } = await decodePngBounded(bytes, 10);
  assert.equal(downscaled, true);
  assert.deepEqual([img.width, img.height], [10, 5]);
  const px = (x: number, y: number) => Array.from(img.data.subarray(4 * (y * 10 + x), 4 * (y * 10 + x) + 4));
  assert.deepEqual(px(0, 0), [255, 0, 0, 255]);
  assert.deepEqual(px(9, 2), [0, 0, 255, 255]);
  // output row 3 averages input rows 12-15: three blue, one green
  assert.deepEqual(px(9, 3), [0, 50, 191, 255]);
  assert.deepEqual(px(4, 4), [0, 200, 0, 255]);
});

test('a truncated PNG fails with a message, not a hang', async () => {
  const { bytes } = await roundTrip('trunc', { width: 64, height: 64, colorType: 2, bitDepth: 8, row: texture(192, 9) });
  await assert.rejects(decodePngBounded(bytes.subarray(0, bytes.length >> 1), 32), /truncated|ends at row|IEND/);
});

test('boundedSize keeps the aspect ratio and the long side', () => {
  assert.deepEqual(boundedSize(12000, 9000, 2048), { width: 2048, height: 1536 });
  assert.deepEqual(boundedSize(100, 50, 2048), { width: 100, height: 50 });
  assert.deepEqual(boundedSize(30000, 1, 2048), { width: 2048, height: 1 });
});
