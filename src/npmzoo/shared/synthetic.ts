// Deterministic RGBA test images (integer PRNG: identical bytes in Node and the page), with some
// structure (gradients + blobs) so that features differ between images.
import { mulberry32 } from '../../shared/random.ts';
import type { RgbaImage } from '../../encode/shared/preprocess.ts';

export function syntheticImages(n: number, width = 96, height = 80, seed = 4242): RgbaImage[] {
  const rand = mulberry32(seed);
  const out: RgbaImage[] = [];
  for (let k = 0; k < n; k++) {
    const data = new Uint8Array(width * height * 4);
    const cx = rand() * width, cy = rand() * height, r = 10 + rand() * 30;
    const col = [rand() * 255, rand() * 255, rand() * 255];
    const gx = rand() * 3, gy = rand() * 3;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const o = (y * width + x) * 4;
        const inside = (x - cx) ** 2 + (y - cy) ** 2 < r * r;
        const noise = Math.floor(rand() * 32);
        for (let c = 0; c < 3; c++) data[o + c] = Math.min(255, Math.floor(inside ? col[c] : (x * gx + y * gy + c * 40) % 224) + noise);
        data[o + 3] = 255;
      }
    out.push({ width, height, data });
  }
  return out;
}

/** models the page/Node parity test covers: one per feature rule, both formats, grey and NCHW-free RGB */
export const PARITY_MODELS = ['emotion', 'mobilefacenet', 'blazeface-front', 'liveness', 'mobilenet_v2'];
