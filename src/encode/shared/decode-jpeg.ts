// JPEG decoding in JavaScript, the same code in the page and in Node: browser codecs and
// libjpeg variants upsample chroma differently, and the int8 encoder amplifies such pixel
// differences (cosine 0.97 with Chromium's decoder vs 0.9999+ this way). PNG is lossless, so
// native decoders already agree on it.
import jpeg from 'jpeg-js';
import type { RgbaImage } from './preprocess.ts';

export function decodeJpeg(bytes: Uint8Array, maxMemoryMB = 1024): RgbaImage {
  const d = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: maxMemoryMB });
  return { width: d.width, height: d.height, data: d.data };
}
