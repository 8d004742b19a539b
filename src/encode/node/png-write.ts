// A PNG writer that streams rows (zlib deflate), for test files of any size and any colour type:
// a 12000 x 9000 PNG is made at test time in a few MB of memory. Each row uses filter (y mod 5), so
// a reader is exercised on all five filters.
import { createDeflate } from 'node:zlib';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(parts: Uint8Array[]): number {
  let c = -1;
  for (const p of parts) for (let i = 0; i < p.length; i++) c = CRC[(c ^ p[i]) & 255] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

export function pngChunk(type: string, data: Uint8Array): Buffer {
  const t = Buffer.from(type, 'latin1');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(crc32([t, data]));
  return Buffer.concat([head, t, Buffer.from(data), tail]);
}

function filterRow(type: number, row: Uint8Array, prev: Uint8Array, bpp: number): Uint8Array {
  const out = new Uint8Array(row.length + 1);
  out[0] = type;
  for (let i = 0; i < row.length; i++) {
    const a = i >= bpp ? row[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
    let pred = 0;
    if (type === 1) pred = a;
    else if (type === 2) pred = b;
    else if (type === 3) pred = (a + b) >> 1;
    else if (type === 4) {
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
    out[i + 1] = (row[i] - pred) & 255;
  }
  return out;
}

export interface PngSpec {
  width: number;
  height: number;
  colorType: 0 | 2 | 3 | 4 | 6;
  bitDepth: 1 | 2 | 4 | 8 | 16;
  /** the packed bytes of row y, exactly as the PNG stores them unfiltered */
  row: (y: number) => Uint8Array;
  palette?: Uint8Array;
  trns?: Uint8Array;
  /** 'cycle' (default): filter y mod 5, every filter exercised; 'none': filter 0, fast for huge files */
  filters?: 'cycle' | 'none';
  /** zlib level (default 6) */
  level?: number;
}

const CH = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;

/** Write a PNG to `path` row by row; returns its size in bytes. */
export async function writePng(path: string, s: PngSpec): Promise<number> {
  const file = createWriteStream(path);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(s.width, 0);
  ihdr.writeUInt32BE(s.height, 4);
  ihdr[8] = s.bitDepth;
  ihdr[9] = s.colorType;
  let size = 0;
  const put = async (b: Buffer) => {
    size += b.length;
    if (!file.write(b)) await once(file, 'drain');
  };
  await put(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
  await put(pngChunk('IHDR', ihdr));
  if (s.palette) await put(pngChunk('PLTE', s.palette));
  if (s.trns) await put(pngChunk('tRNS', s.trns));
  const deflate = createDeflate({ level: s.level ?? 6 });
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  const flushIdat = async (all: boolean) => {
    if (pendingBytes === 0 || (!all && pendingBytes < 1 << 20)) return;
    const data = Buffer.concat(pending);
    pending.length = 0;
    pendingBytes = 0;
    await put(pngChunk('IDAT', data));
  };
  deflate.on('data', (b: Buffer) => {
    pending.push(b);
    pendingBytes += b.length;
  });
  const bpp = Math.max(1, (CH[s.colorType] * s.bitDepth) >> 3);
  let prev = new Uint8Array(Math.ceil((s.width * CH[s.colorType] * s.bitDepth) / 8));
  for (let y = 0; y < s.height; y++) {
    const row = s.row(y);
    if (s.filters === 'none') {
      if (!deflate.write(Buffer.concat([Buffer.from([0]), row]))) await once(deflate, 'drain');
    } else {
      if (!deflate.write(filterRow(y % 5, row, prev, bpp))) await once(deflate, 'drain');
      prev = row.slice();
    }
    await flushIdat(false);
  }
  deflate.end();
  await once(deflate, 'end');
  await flushIdat(true);
  await put(pngChunk('IEND', new Uint8Array(0)));
  file.end();
  await once(file, 'finish');
  return size;
}
