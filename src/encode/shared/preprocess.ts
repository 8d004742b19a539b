// Image -> encoder input tensor. One implementation for the page and for Node, so both feed the
// encoder the same numbers: decoding differs (browser codecs vs jpeg-js/pngjs), resizing does not.
import type { Preprocess } from './manifest.ts';

/** RGBA pixels, row-major, 4 bytes a pixel: ImageData in the page, decoded files in Node. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float64Array; // count.max() weights per output, padded
  stride: number;
}

// Separable resampling filters whose support widens by the scale when shrinking, as PIL's resize
// (and torchvision's antialiased resize) does: shrinking averages every source pixel, never skips any.
// 'bilinear' is the triangle filter (support 1); 'bicubic' is PIL's cubic convolution, a = -0.5 (support 2).
const FILTERS = {
  bilinear: { support: 1, f: (x: number) => Math.max(0, 1 - Math.abs(x)) },
  bicubic: {
    support: 2,
    f: (x: number) => {
      const a = -0.5;
      x = Math.abs(x);
      if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
      if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
      return 0;
    },
  },
} as const;

export type Resample = keyof typeof FILTERS;

function taps(inSize: number, outSize: number, first: number, n: number, resample: Resample = 'bilinear'): Taps {
  const { support: kernelSupport, f } = FILTERS[resample];
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = kernelSupport * filterScale;
  const stride = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(n);
  const count = new Int32Array(n);
  const weights = new Float64Array(n * stride);
  for (let j = 0; j < n; j++) {
    const i = first + j;
    const centre = (i + 0.5) * scale;
    const lo = Math.max(0, Math.trunc(centre - support + 0.5));
    const hi = Math.min(inSize, Math.trunc(centre + support + 0.5));
    let total = 0;
    for (let x = lo; x < hi; x++) {
      const w = f((x - centre + 0.5) / filterScale);
      weights[j * stride + (x - lo)] = w;
      total += w;
    }
    if (total !== 0) for (let x = 0; x < hi - lo; x++) weights[j * stride + x] /= total;
    start[j] = lo;
    count[j] = hi - lo;
  }
  return { start, count, weights, stride };
}

/** Size after resizing the shorter side to `shorter`, aspect kept (torchvision Resize(int)). */
export function resizedSize(width: number, height: number, shorter: number): { w: number; h: number } {
  if (width <= height) return { w: shorter, h: Math.max(1, Math.trunc((shorter * height) / width)) };
  return { w: Math.max(1, Math.trunc((shorter * width) / height)), h: shorter };
}

/**
 * Resize shorter side to p.resize, centre-crop p.crop, normalise, NCHW float32 [3, crop, crop].
 * Only the cropped window is computed.
 */
export function preprocess(img: RgbaImage, p: Preprocess, out?: Float32Array): Float32Array {
  const { width: W, height: H, data } = img;
  if (W < 1 || H < 1) throw new Error('empty image');
  const C = p.crop;
  const { w: rw, h: rh } = resizedSize(W, H, p.resize);
  // torchvision CenterCrop: offset round((size - crop) / 2); Hugging Face's center_crop: floor.
  // A resize smaller than the crop pads with 0.
  const off = p.cropOffset === 'floor' ? Math.floor : Math.round;
  const ox = off((rw - C) / 2);
  const oy = off((rh - C) / 2);
  const resample: Resample = p.resample ?? 'bilinear';
  // bicubic overshoots: PIL rounds and clips each pass to 0..255 (8-bit images), and so do we
  const clip8 = resample === 'bicubic' ? (v: number) => Math.min(255, Math.max(0, Math.round(v))) : (v: number) => v;
  const result = out ?? new Float32Array(3 * C * C);
  if (result.length !== 3 * C * C) throw new Error('output buffer has the wrong size');

  const cols = Math.max(0, Math.min(C, rw - Math.max(ox, 0)));
  const x0 = Math.max(ox, 0);
  const y0 = Math.max(oy, 0);
  const rows = Math.max(0, Math.min(C, rh - y0));
  const tx = taps(W, rw, x0, cols, resample);
  const ty = taps(H, rh, y0, rows, resample);

  // horizontal pass over every source row, for the needed output columns only
  const tmp = new Float64Array(H * cols * 3);
  for (let y = 0; y < H; y++) {
    const row = y * W * 4;
    for (let j = 0; j < cols; j++) {
      let r = 0, g = 0, b = 0;
      const s = tx.start[j], n = tx.count[j], wo = j * tx.stride;
      for (let k = 0; k < n; k++) {
        const w = tx.weights[wo + k];
        const q = row + (s + k) * 4;
        r += w * data[q];
        g += w * data[q + 1];
        b += w * data[q + 2];
      }
      const t = (y * cols + j) * 3;
      tmp[t] = clip8(r);
      tmp[t + 1] = clip8(g);
      tmp[t + 2] = clip8(b);
    }
  }

  result.fill(0);
  const plane = C * C;
  const bgr = p.channelOrder === 'BGR';
  const [m0, m1, m2] = p.mean;
  const [s0, s1, s2] = p.std;
  const offX = x0 - ox; // > 0 only when the resized image is narrower than the crop
  const offY = y0 - oy;
  for (let i = 0; i < rows; i++) {
    const s = ty.start[i], n = ty.count[i], wo = i * ty.stride;
    for (let j = 0; j < cols; j++) {
      let r = 0, g = 0, b = 0;
      for (let k = 0; k < n; k++) {
        const w = ty.weights[wo + k];
        const t = ((s + k) * cols + j) * 3;
        r += w * tmp[t];
        g += w * tmp[t + 1];
        b += w * tmp[t + 2];
      }
      r = clip8(r);
      g = clip8(g);
      b = clip8(b);
      const c0 = bgr ? b : r;
      const c2 = bgr ? r : b;
      const o = (i + offY) * C + (j + offX);
      result[o] = (c0 * p.scale - m0) / s0;
      result[plane + o] = (g * p.scale - m1) / s1;
      result[2 * plane + o] = (c2 * p.scale - m2) / s2;
    }
  }
  return result;
}

/** float32 -> IEEE half bits (round to nearest even), for float16 encoder inputs. */
export function toFloat16Bits(src: Float32Array): Uint16Array {
  const out = new Uint16Array(src.length);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  for (let i = 0; i < src.length; i++) {
    f[0] = src[i];
    const x = u[0];
    const sign = (x >>> 16) & 0x8000;
    let exp = ((x >>> 23) & 0xff) - 127 + 15;
    let mant = x & 0x7fffff;
    if (((x >>> 23) & 0xff) === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 : 0); // inf / nan
      continue;
    }
    if (exp >= 0x1f) {
      out[i] = sign | 0x7c00; // overflow -> inf
      continue;
    }
    if (exp <= 0) {
      if (exp < -10) {
        out[i] = sign; // underflow -> signed zero
        continue;
      }
      mant |= 0x800000;
      const shift = 14 - exp;
      let half = mant >>> shift;
      const rem = mant & ((1 << shift) - 1);
      const mid = 1 << (shift - 1);
      if (rem > mid || (rem === mid && (half & 1))) half++;
      out[i] = sign | half;
      continue;
    }
    let half = (exp << 10) | (mant >>> 13);
    const rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem === 0x1000 && (half & 1))) half++; // may carry into exponent: still correct
    out[i] = sign | half;
  }
  return out;
}
