// Image decoding in the page (window or worker): JPEG with jpeg-js (the same decoder as Node, for
// parity), everything else with the browser's codecs, huge images decoded straight to a bounded
// size: a large PNG streamed row by row (png-stream.ts, memory O(width)), other formats through
// createImageBitmap's resize. Shared by the encode worker and the fine-stage worker.
import type { ImageInfo } from './imageinfo.ts';
import type { RgbaImage } from './preprocess.ts';
import { decodeJpeg } from './decode-jpeg.ts';
import { decodePngBounded, pngHeader } from './png-stream.ts';

export interface DecodeLimits {
  /** pixels at most for a PNG streamed row by row (its memory does not grow with the height) */
  maxPixels: number;
  /** pixels at most for what the browser decodes whole before resizing (JPEG above maxDecodeSide, WebP, GIF, interlaced PNG...) */
  maxBrowserPixels: number;
  /** longer side of the decoded image at most: larger images are downscaled while decoding */
  maxDecodeSide: number;
  /** images with a shorter side below this are skipped */
  minSide: number;
  /** files larger than this are skipped without reading them */
  maxFileBytes: number;
}

/** Why an image is too large to decode here, or null. Streamable PNGs get the higher limit. */
export function pixelLimitReason(bytes: Uint8Array, info: ImageInfo, lim: DecodeLimits): string | null {
  if (!info.width || !info.height) return null;
  const px = info.width * info.height;
  let streamed = false;
  if (info.format === 'png') {
    try {
      streamed = pngHeader(bytes).interlace === 0;
    } catch {
      return null; // a broken header: the decoder says so
    }
  }
  const limit = streamed ? lim.maxPixels : lim.maxBrowserPixels;
  if (px <= limit) return null;
  return `${info.width}x${info.height} px exceeds ${limit / 1e6} MP${streamed ? '' : ` for ${info.format === 'png' ? 'an interlaced PNG' : info.format.toUpperCase()} (non-interlaced PNG: up to ${lim.maxPixels / 1e6} MP)`}`;
}

export async function decodeInBrowser(bytes: Uint8Array, info: ImageInfo, lim: { maxDecodeSide: number }): Promise<{ img: RgbaImage; downscaled: boolean }> {
  const w = info.width, h = info.height;
  const long = Math.max(w ?? 0, h ?? 0);
  if (info.format === 'png' && long > lim.maxDecodeSide && pngHeader(bytes).interlace === 0) {
    return decodePngBounded(bytes, lim.maxDecodeSide);
  }
  if (info.format === 'jpeg' && long > 0 && long <= lim.maxDecodeSide) {
    try {
      return { img: decodeJpeg(bytes, 256), downscaled: false };
    } catch {
      // an odd JPEG the JS decoder refuses: let the browser try
    }
  }
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>]);
  const opts: ImageBitmapOptions = { colorSpaceConversion: 'none', premultiplyAlpha: 'none', imageOrientation: 'from-image' };
  let downscaled = false;
  if (w && h && long > lim.maxDecodeSide) {
    // decode straight to a bounded size: a 20000 px photo never becomes a 1.6 GB bitmap
    const s = lim.maxDecodeSide / long;
    opts.resizeWidth = Math.max(1, Math.round(w * s));
    opts.resizeHeight = Math.max(1, Math.round(h * s));
    opts.resizeQuality = 'high';
    downscaled = true;
  }
  const bmp = await createImageBitmap(blob, opts);
  try {
    const canvas = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(bmp, 0, 0);
    const data = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    return { img: { width: bmp.width, height: bmp.height, data }, downscaled };
  } finally {
    bmp.close();
  }
}
