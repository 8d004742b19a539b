// Builds folders of awkward inputs on disk for the browser tests (then dropped for real via CDP).
import { mkdtempSync, mkdirSync, writeFileSync, copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { writePng } from '../../src/encode/node/png-write.ts';

const DATASETS = join(process.cwd(), '..', 'shared', 'datasets');

function png(w: number, h: number, rgb: [number, number, number]): Buffer {
  const p = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) {
    p.data[i * 4] = rgb[0];
    p.data[i * 4 + 1] = rgb[1];
    p.data[i * 4 + 2] = (rgb[2] + (i % w)) & 255; // a little texture
    p.data[i * 4 + 3] = 255;
  }
  return PNG.sync.write(p);
}

const firstImages = (dataset: string, cls: string, n: number) =>
  readdirSync(join(DATASETS, dataset, cls)).sort().slice(0, n).map((f) => join(DATASETS, dataset, cls, f));

export async function makeFixture(kind: string): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), `zooscout-${kind}-`));
  const dir = join(root, kind);
  mkdirSync(dir);
  if (kind === 'bad') {
    // two good classes with odd names, plus every kind of bad file
    const a = join(dir, 'chats #1 (ü)'), b = join(dir, 'dogs 100%'), lonely = join(dir, 'lonely');
    for (const d of [a, b, lonely, join(b, 'nested deeper')]) mkdirSync(d, { recursive: true });
    firstImages('pets', 'abyssinian', 4).forEach((f, i) => copyFileSync(f, join(a, `ça va ${i}.jpg`)));
    firstImages('pets', 'beagle', 3).forEach((f, i) => copyFileSync(f, join(b, `img %20 ${i}.JPG`)));
    copyFileSync(firstImages('pets', 'beagle', 4)[3], join(b, 'nested deeper', 'deep.jpg'));
    copyFileSync(firstImages('pets', 'bengal', 1)[0], join(lonely, 'only.jpg'));
    writeFileSync(join(a, 'corrupt.jpg'), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(3000, 7)]));
    writeFileSync(join(a, 'truncated.png'), png(64, 64, [200, 10, 10]).subarray(0, 60));
    writeFileSync(join(b, 'empty.jpg'), Buffer.alloc(0));
    writeFileSync(join(b, 'notes.txt'), 'not an image');
    writeFileSync(join(b, 'fake.png'), 'text pretending to be a png');
    writeFileSync(join(a, 'tiny.png'), png(4, 4, [0, 0, 0]));
    writeFileSync(join(b, 'huge.png'), png(6000, 3000, [30, 120, 60]));
    writeFileSync(join(dir, '.DS_Store'), 'x');
    writeFileSync(join(dir, 'README.md'), '# readme');
  } else if (kind === 'flat') {
    // unlabelled: digits and flowers mixed in one folder
    firstImages('mnist', 'digit_3', 12).forEach((f, i) => copyFileSync(f, join(dir, `m${i}.jpg`)));
    firstImages('flowers102', readdirSync(join(DATASETS, 'flowers102')).filter((c) => !c.includes('.'))[0], 10)
      .forEach((f, i) => copyFileSync(f, join(dir, `f${i}.jpg`)));
  } else if (kind === 'one-class') {
    mkdirSync(join(dir, 'beagle'));
    firstImages('pets', 'beagle', 6).forEach((f, i) => copyFileSync(f, join(dir, 'beagle', `${i}.jpg`)));
  } else if (kind === 'small') {
    for (const c of ['abyssinian', 'beagle', 'pug']) {
      mkdirSync(join(dir, c));
      firstImages('pets', c, 4).forEach((f, i) => copyFileSync(f, join(dir, c, `${i}.jpg`)));
    }
  } else if (kind === 'truncated-onnx') {
    const full = readFileSync(join(process.cwd(), 'models/encoders/mobilenetv2-12-int8.onnx'));
    const file = join(dir, 'mobilenetv2-12-int8.onnx');
    writeFileSync(file, full.subarray(0, full.length >> 1));
    return file;
  } else if (kind === 'one-each') {
    // Cross-Select's setting: one image per class
    for (const c of ['abyssinian', 'beagle', 'pug']) {
      mkdirSync(join(dir, c));
      copyFileSync(firstImages('pets', c, 1)[0], join(dir, c, `${c}.jpg`));
    }
  } else if (kind === 'nested') {
    // dogs/beagle/2024/*.jpg, dogs/pug/*.jpg, cats/bengal/*.jpg, an empty class folder, a folder of notes
    const put = (sub: string, cls: string, n: number, from = 0) => {
      mkdirSync(join(dir, sub), { recursive: true });
      firstImages('pets', cls, from + n).slice(from).forEach((f, i) => copyFileSync(f, join(dir, sub, `${cls}-${i}.jpg`)));
    };
    put('dogs/beagle/2024', 'beagle', 3);
    put('dogs/pug', 'pug', 3);
    put('cats/bengal', 'bengal', 3);
    mkdirSync(join(dir, 'birds'));
    mkdirSync(join(dir, 'notes'));
    writeFileSync(join(dir, 'notes', 'todo.txt'), 'label the birds');
  } else if (kind === 'huge') {
    // a real 12000 x 9000 PNG (108 MP; 432 MB as an RGBA bitmap), streamed to disk in a few MB,
    // beside ordinary photos: left half warm, right half blue, a vertical green ramp
    for (const c of ['scans', 'photos']) mkdirSync(join(dir, c));
    firstImages('pets', 'beagle', 3).forEach((f, i) => copyFileSync(f, join(dir, 'scans', `${i}.jpg`)));
    firstImages('pets', 'pug', 3).forEach((f, i) => copyFileSync(f, join(dir, 'photos', `${i}.jpg`)));
    const W = 12000, H = 9000, row = new Uint8Array(W * 3);
    await writePng(join(dir, 'scans', 'scan-12000x9000.png'), {
      width: W, height: H, colorType: 2, bitDepth: 8, filters: 'none', level: 1,
      row: (y) => {
        for (let x = 0; x < W; x++) {
          const o = 3 * x, left = x < W / 2;
          row[o] = left ? 220 : (x + y) & 63;
          row[o + 1] = Math.floor((y * 255) / H);
          row[o + 2] = left ? (x ^ y) & 31 : 200;
        }
        return row;
      },
    });
  } else if (kind === 'empty') {
    // nothing inside
  } else if (kind === 'dups') {
    // beagle: 4 images + 2 byte-identical copies of the first; pug: 4 images + a copy of beagle's second
    for (const c of ['beagle', 'pug']) {
      mkdirSync(join(dir, c));
      firstImages('pets', c, 4).forEach((f, i) => copyFileSync(f, join(dir, c, `${i}.jpg`)));
    }
    const [b0, b1] = firstImages('pets', 'beagle', 2);
    copyFileSync(b0, join(dir, 'beagle', '0 copy.jpg'));
    copyFileSync(b0, join(dir, 'beagle', '0 copy 2.jpg'));
    copyFileSync(b1, join(dir, 'pug', 'looks like a pug.jpg'));
  } else if (kind === 'many') {
    // thousands of files: 3 classes x 1000 images
    for (const c of ['digit_0', 'digit_1', 'digit_2']) {
      mkdirSync(join(dir, c));
      const src = firstImages('mnist', c, 100);
      for (let i = 0; i < 1000; i++) copyFileSync(src[i % src.length], join(dir, c, `${String(i).padStart(4, '0')}.jpg`));
    }
  } else throw new Error(`unknown fixture ${kind}`);
  return dir;
}
