import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preprocess, resizedSize, toFloat16Bits } from './preprocess.ts';
import { encoderById } from './manifest.ts';

const solid = (w: number, h: number, rgb: number[]) => {
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set([...rgb, 255], i * 4);
  return { width: w, height: h, data };
};

test('resize keeps aspect on the shorter side (torchvision Resize(int))', () => {
  assert.deepEqual(resizedSize(128, 96, 256), { w: 341, h: 256 });
  assert.deepEqual(resizedSize(96, 128, 256), { w: 256, h: 341 });
  assert.deepEqual(resizedSize(20, 16, 256), { w: 320, h: 256 });
});

test('a solid image normalises to (v/255 - mean)/std in every pixel, NCHW', () => {
  const p = encoderById('mobilenetv2-12-int8').preprocess;
  const x = preprocess(solid(100, 60, [255, 128, 0]), p);
  assert.equal(x.length, 3 * 224 * 224);
  const want = [(1 - 0.485) / 0.229, (128 / 255 - 0.456) / 0.224, (0 - 0.406) / 0.225];
  for (let c = 0; c < 3; c++) {
    for (const i of [0, 5000, 224 * 224 - 1]) assert.ok(Math.abs(x[c * 224 * 224 + i] - want[c]) < 1e-5, `channel ${c}`);
  }
});

test('BGR + Caffe means for SqueezeNet: channel 0 is blue minus 104', () => {
  const p = encoderById('squeezenet1.1-fp16').preprocess;
  const x = preprocess(solid(64, 64, [10, 20, 200]), p);
  assert.ok(Math.abs(x[0] - (200 - 104)) < 1e-4);
  assert.ok(Math.abs(x[224 * 224] - (20 - 117)) < 1e-4);
  assert.ok(Math.abs(x[2 * 224 * 224] - (10 - 123)) < 1e-4);
});

test('shrinking averages (antialias): a 1-px checkerboard becomes flat grey', () => {
  const w = 1024, h = 1024, data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([(x + y) % 2 ? 255 : 0, 0, 0, 255], (y * w + x) * 4);
  const p = { ...encoderById('mobilenetv2-12-int8').preprocess, mean: [0, 0, 0] as [number, number, number], std: [1, 1, 1] as [number, number, number] };
  const x = preprocess({ width: w, height: h, data }, p);
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < 224 * 224; i++) (lo = Math.min(lo, x[i])), (hi = Math.max(hi, x[i]));
  assert.ok(hi - lo < 0.02, `range ${lo}..${hi}`); // point sampling would give 0 and 1
  assert.ok(Math.abs((lo + hi) / 2 - 0.5) < 0.02);
});

test('a left-right ramp stays monotone after resize + crop', () => {
  const w = 50, h = 40, data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x * 5, 0, 0, 255], (y * w + x) * 4);
  const x = preprocess({ width: w, height: h, data }, encoderById('mobilenetv2-12-int8').preprocess);
  for (let i = 1; i < 224; i++) assert.ok(x[100 * 224 + i] >= x[100 * 224 + i - 1] - 1e-6);
});

test('float16 bits: known values, rounding, overflow, subnormals', () => {
  const v = toFloat16Bits(new Float32Array([0, 1, -2, 0.5, 65504, 1e6, 6.1035156e-5, 5.96e-8, 1 + 2 ** -11, NaN, -Infinity]));
  assert.deepEqual(Array.from(v.slice(0, 9)), [0x0000, 0x3c00, 0xc000, 0x3800, 0x7bff, 0x7c00, 0x0400, 0x0001, 0x3c00]);
  assert.equal(v[9] & 0x7c00, 0x7c00);
  assert.ok((v[9] & 0x3ff) !== 0);
  assert.equal(v[10], 0xfc00);
});

test("CLIP preprocessing equals Hugging Face's CLIPImageProcessor (PIL bicubic, floor crop) to one 8-bit level", async () => {
  const { readFileSync } = await import('node:fs');
  const ref = JSON.parse(readFileSync(new URL('./clip-preprocess-reference.json', import.meta.url), 'utf8')) as {
    cases: { width: number; height: number; resize: number; crop: number; rgba: number[]; expected: number[] }[];
  };
  const clip = encoderById('clip-vit-b32-quantized').preprocess;
  for (const c of ref.cases) {
    const p = { ...clip, resize: c.resize, crop: c.crop };
    const got = preprocess({ width: c.width, height: c.height, data: Uint8Array.from(c.rgba) }, p);
    let worst = 0;
    got.forEach((v, i) => {
      const ch = Math.floor(i / (c.crop * c.crop));
      worst = Math.max(worst, (Math.abs(v - c.expected[i]) * clip.std[ch]) * 255); // in 8-bit levels
    });
    // PIL works in fixed point (22 bits) and rounds each pass; float weights land within one level
    assert.ok(worst <= 1.0001, `${c.width}x${c.height} -> ${c.resize}/${c.crop}: worst ${worst.toFixed(3)} levels`);
  }
  // and bilinear with torchvision's rounding would not pass: the test can tell the two apart
  const c = ref.cases[0];
  const off = preprocess({ width: c.width, height: c.height, data: Uint8Array.from(c.rgba) }, { ...clip, resize: c.resize, crop: c.crop, resample: 'bilinear' });
  assert.ok(off.some((v, i) => Math.abs(v - c.expected[i]) * 0.27 * 255 > 2));
});
