// Node image decoding (ground truth jobs, tests, benches). The page decodes with the browser's
// own codecs; both hand the same RgbaImage to the shared preprocessing.
import { PNG } from 'pngjs';
import { sniffImage } from '../shared/imageinfo.ts';
import { decodeJpeg } from '../shared/decode-jpeg.ts';
import type { RgbaImage } from '../shared/preprocess.ts';

export function decodeImage(bytes: Uint8Array): RgbaImage {
  const info = sniffImage(bytes);
  if (!info) throw new Error('not an image');
  if (info.format === 'jpeg') return decodeJpeg(bytes);
  if (info.format === 'png') {
    const d = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { width: d.width, height: d.height, data: new Uint8Array(d.data.buffer, d.data.byteOffset, d.data.byteLength) };
  }
  throw new Error(`${info.format} decoding is not supported in Node (the page decodes it)`);
}
