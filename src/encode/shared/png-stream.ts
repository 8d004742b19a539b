// A PNG decoded row by row straight to a bounded size: inflated through a fixed window (inflate.ts,
// the same in the page and in Node), each scanline is unfiltered against the previous one and
// box-averaged into the output row it falls in. Memory is O(width) plus the output, whatever the image's height, so a
// 12000 x 9000 scan never becomes a 432 MB bitmap. Non-interlaced PNGs only (Adam7 needs the whole
// image); the caller falls back to the browser's decoder for those.
import type { RgbaImage } from './preprocess.ts';
import { inflateZlib } from './inflate.ts';

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
}

const SIG = [137, 80, 78, 71, 13, 10, 26, 10];
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

const u32 = (b: Uint8Array, o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;

/** Chunks in file order (type, data view); throws on a truncated chunk. */
function* chunks(bytes: Uint8Array): Generator<{ type: string; data: Uint8Array }> {
  for (let i = 0; i < 8; i++) if (bytes[i] !== SIG[i]) throw new Error('not a PNG');
  let o = 8;
  while (o + 8 <= bytes.length) {
    const len = u32(bytes, o);
    const type = String.fromCharCode(bytes[o + 4], bytes[o + 5], bytes[o + 6], bytes[o + 7]);
    if (o + 12 + len > bytes.length) throw new Error(`PNG truncated inside ${type}`);
    yield { type, data: bytes.subarray(o + 8, o + 8 + len) };
    if (type === 'IEND') return;
    o += 12 + len;
  }
  throw new Error('PNG has no IEND');
}

export function pngHeader(bytes: Uint8Array): PngHeader {
  const first = chunks(bytes).next();
  if (first.done || first.value.type !== 'IHDR' || first.value.data.length < 13) throw new Error('PNG without IHDR');
  const d = first.value.data;
  const h = { width: u32(d, 0), height: u32(d, 4), bitDepth: d[8], colorType: d[9], interlace: d[12] };
  if (!(h.colorType in CHANNELS) || ![1, 2, 4, 8, 16].includes(h.bitDepth)) throw new Error(`PNG colour type ${h.colorType} / depth ${h.bitDepth} not valid`);
  return h;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Undo one scanline's filter in place (`row` without its filter byte; `prev` the previous unfiltered row). */
export function unfilter(type: number, row: Uint8Array, prev: Uint8Array, bpp: number): void {
  const n = row.length;
  switch (type) {
    case 0: return;
    case 1: for (let i = bpp; i < n; i++) row[i] = (row[i] + row[i - bpp]) & 255; return;
    case 2: for (let i = 0; i < n; i++) row[i] = (row[i] + prev[i]) & 255; return;
    case 3:
      for (let i = 0; i < n; i++) row[i] = (row[i] + ((i >= bpp ? row[i - bpp] : 0) + prev[i] >> 1)) & 255;
      return;
    case 4:
      for (let i = 0; i < n; i++) row[i] = (row[i] + paeth(i >= bpp ? row[i - bpp] : 0, prev[i], i >= bpp ? prev[i - bpp] : 0)) & 255;
      return;
    default: throw new Error(`PNG filter type ${type} not valid`);
  }
}

/** Output size of a long side bounded by maxSide (aspect kept, at least 1 px). */
export function boundedSize(w: number, h: number, maxSide: number): { width: number; height: number } {
  const long = Math.max(w, h);
  if (long <= maxSide) return { width: w, height: h };
  const s = maxSide / long;
  return { width: Math.max(1, Math.round(w * s)), height: Math.max(1, Math.round(h * s)) };
}

/** Output index of each input index: floor(i * out / in), so every output cell averages a contiguous box. */
function boxMap(n: number, out: number): { map: Int32Array; count: Uint32Array } {
  const map = new Int32Array(n), count = new Uint32Array(out);
  for (let i = 0; i < n; i++) {
    map[i] = Math.floor((i * out) / n);
    count[map[i]]++;
  }
  return { map, count };
}

/**
 * Decode a non-interlaced PNG to RGBA, box-downscaled so the long side is at most maxSide.
 * 16-bit samples keep their high byte; palette, grey and tRNS transparency are expanded.
 */
export async function decodePngBounded(bytes: Uint8Array, maxSide: number): Promise<{ img: RgbaImage; downscaled: boolean }> {
  const hd = pngHeader(bytes);
  if (hd.interlace !== 0) throw new Error('interlaced PNG: not streamable');
  const { width: W, height: H, bitDepth: depth, colorType: ct } = hd;
  if (W === 0 || H === 0) throw new Error('PNG with zero size');
  let palette: Uint8Array | null = null;
  let trns: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  for (const c of chunks(bytes)) {
    if (c.type === 'PLTE') palette = c.data;
    else if (c.type === 'tRNS') trns = c.data;
    else if (c.type === 'IDAT') idat.push(c.data);
  }
  if (ct === 3 && !palette) throw new Error('palette PNG without PLTE');
  if (idat.length === 0) throw new Error('PNG without image data');

  const ch = CHANNELS[ct];
  const bitsPerPixel = ch * depth;
  const rowBytes = Math.ceil((W * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel >> 3); // filter unit: whole bytes per pixel, at least 1
  const out = boundedSize(W, H, maxSide);
  const cols = boxMap(W, out.width), rows = boxMap(H, out.height);
  const data = new Uint8ClampedArray(out.width * out.height * 4);
  const acc = new Uint32Array(out.width * 4);
  const rgba = new Uint8Array(W * 4);
  let prev = new Uint8Array(rowBytes), cur = new Uint8Array(rowBytes);
  // transparent colour of grey / RGB images (tRNS holds 16-bit samples; compare at the file's depth)
  const key = trns && (ct === 0 || ct === 2) ? Array.from({ length: ct === 0 ? 1 : 3 }, (_, i) => (trns![2 * i] << 8) | trns![2 * i + 1]) : null;
  const maxV = (1 << depth) - 1;

  const toRgba = (r: Uint8Array) => {
    if (depth < 8) {
      for (let x = 0; x < W; x++) {
        const bit = x * depth;
        const v = (r[bit >> 3] >> (8 - depth - (bit & 7))) & maxV;
        let R: number, G: number, B: number, A = 255;
        if (ct === 3) {
          R = palette![3 * v] ?? 0; G = palette![3 * v + 1] ?? 0; B = palette![3 * v + 2] ?? 0;
          if (trns && v < trns.length) A = trns[v];
        } else {
          R = G = B = Math.round((v * 255) / maxV);
          if (key && v === key[0]) A = 0;
        }
        rgba[4 * x] = R; rgba[4 * x + 1] = G; rgba[4 * x + 2] = B; rgba[4 * x + 3] = A;
      }
      return;
    }
    const step = depth >> 3; // bytes per sample; the first byte is the high byte
    for (let x = 0; x < W; x++) {
      const p = x * ch * step;
      let R: number, G: number, B: number, A = 255;
      if (ct === 0 || ct === 4) {
        R = G = B = r[p];
        if (ct === 4) A = r[p + step];
        else if (key && (step === 2 ? (r[p] << 8) | r[p + 1] : r[p]) === key[0]) A = 0;
      } else if (ct === 3) {
        const v = r[p];
        R = palette![3 * v] ?? 0; G = palette![3 * v + 1] ?? 0; B = palette![3 * v + 2] ?? 0;
        if (trns && v < trns.length) A = trns[v];
      } else {
        R = r[p]; G = r[p + step]; B = r[p + 2 * step];
        if (ct === 6) A = r[p + 3 * step];
        else if (key) {
          const s = (i: number) => (step === 2 ? (r[p + 2 * i] << 8) | r[p + 2 * i + 1] : r[p + i]);
          if (s(0) === key[0] && s(1) === key[1] && s(2) === key[2]) A = 0;
        }
      }
      rgba[4 * x] = R; rgba[4 * x + 1] = G; rgba[4 * x + 2] = B; rgba[4 * x + 3] = A;
    }
  };

  let y = 0;
  const flushRow = (oy: number) => {
    const n = rows.count[oy];
    const base = oy * out.width * 4;
    for (let ox = 0; ox < out.width; ox++) {
      const d = n * cols.count[ox];
      for (let k = 0; k < 4; k++) data[base + 4 * ox + k] = Math.round(acc[4 * ox + k] / d);
    }
    acc.fill(0);
  };
  const takeRow = () => {
    toRgba(cur);
    for (let x = 0; x < W; x++) {
      const o = 4 * cols.map[x];
      acc[o] += rgba[4 * x]; acc[o + 1] += rgba[4 * x + 1]; acc[o + 2] += rgba[4 * x + 2]; acc[o + 3] += rgba[4 * x + 3];
    }
    const oy = rows.map[y];
    if (y === H - 1 || rows.map[y + 1] !== oy) flushRow(oy);
    [prev, cur] = [cur, prev];
    y++;
  };

  // inflated through one fixed window (inflate.ts): scanlines are assembled from views of it, so
  // nothing is allocated per row however tall the image
  let filter = -1, fill = 0;
  inflateZlib(idat, (value) => {
    let i = 0;
    while (i < value.length && y < H) {
      if (filter < 0) {
        filter = value[i++];
        fill = 0;
        continue;
      }
      const take = Math.min(rowBytes - fill, value.length - i);
      cur.set(value.subarray(i, i + take), fill);
      fill += take;
      i += take;
      if (fill === rowBytes) {
        unfilter(filter, cur, prev, bpp);
        takeRow();
        filter = -1;
      }
    }
    return y >= H; // every row is in: the rest (and its checksum) is not needed
  });
  if (y < H) throw new Error(`PNG data ends at row ${y} of ${H}`);
  return { img: { width: out.width, height: out.height, data }, downscaled: out.width !== W || out.height !== H };
}
