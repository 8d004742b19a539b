// Builds folders of awkward inputs on disk for the browser tests (then dropped for real via CDP).
import { mkdtempSync, mkdirSync, writeFileSync, copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';

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

export function makeFixture(kind: string): string {
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
