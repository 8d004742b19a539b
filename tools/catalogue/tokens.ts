// Dataset tokens for every benchmark dataset with a sample in ../shared/datasets, made by the page's
// encoder and token code (src/encode/node/encoder.ts + src/tokens/shared/tokens.ts).
// Embeddings are cached under .cache/public-tokens/ (gitignored); the tokens are committed to
// data/public/tokens/<dataset>.json. Usage:
//   node --import tsx tools/catalogue/tokens.ts [--encoder mobilenetv2-12-int8] [--per-class 5] [--max-classes 100]
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadNodeEncoder } from '../../src/encode/node/encoder.ts';
import { decodeImage } from '../../src/encode/node/decode.ts';
import { buildTokens } from '../../src/tokens/shared/tokens.ts';
import { mulberry32 } from '../../src/shared/random.ts';
import { TOKEN_DATASETS, TOKEN_SAMPLE } from '../../src/catalogue/shared/datasets.ts';

const SHARED = resolve(process.env.SHARED_DATASETS ?? '../shared/datasets');
const OUT = resolve('data/public/tokens');
const CACHE = resolve('.cache/public-tokens');

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

function shuffle<T>(a: T[], rand: () => number): T[] {
  const b = a.slice();
  for (let i = b.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [b[i], b[j]] = [b[j], b[i]];
  }
  return b;
}

const IMG = /\.(jpe?g|png)$/i;

async function main() {
  const encoderId = arg('encoder', 'mobilenetv2-12-int8');
  const perClass = Number(arg('per-class', String(TOKEN_SAMPLE.perClass)));
  const maxClasses = Number(arg('max-classes', String(TOKEN_SAMPLE.maxClasses)));
  const only = arg('only', '');
  const enc = await loadNodeEncoder(encoderId, { threads: 1 });
  const encoderRef = { id: enc.entry.id, sha256: enc.entry.sha256!, dim: enc.entry.dim };
  mkdirSync(OUT, { recursive: true });
  mkdirSync(CACHE, { recursive: true });
  for (const ds of TOKEN_DATASETS) {
    if (only && !only.split(',').includes(ds)) continue;
    const dir = join(SHARED, ds);
    if (!existsSync(dir)) { console.log(`${ds}: no sample in ${SHARED}`); continue; }
    const rand = mulberry32(TOKEN_SAMPLE.seed);
    let classes = readdirSync(dir).filter((c) => statSync(join(dir, c)).isDirectory()).sort();
    const allClasses = classes.length;
    if (classes.length > maxClasses) classes = shuffle(classes, rand).slice(0, maxClasses).sort();
    const files: string[] = [], labels: number[] = [];
    classes.forEach((c, ci) => {
      const fs = readdirSync(join(dir, c)).filter((f) => IMG.test(f)).sort();
      for (const f of shuffle(fs, rand).slice(0, perClass)) { files.push(join(c, f)); labels.push(ci); }
    });
    const key = `${ds}-${encoderId}-${perClass}-${maxClasses}-${TOKEN_SAMPLE.seed}`;
    const cachePath = join(CACHE, `${key}.f32`);
    let emb: Float32Array;
    const t0 = Date.now();
    if (existsSync(cachePath)) {
      const b = readFileSync(cachePath);
      emb = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4).slice();
    } else {
      emb = new Float32Array(files.length * encoderRef.dim);
      for (let s = 0; s < files.length; s += 16) {
        const imgs = files.slice(s, s + 16).map((f) => decodeImage(new Uint8Array(readFileSync(join(dir, f)))));
        const e = await enc.embed(imgs);
        e.forEach((v, i) => emb.set(v, (s + i) * encoderRef.dim));
      }
      writeFileSync(cachePath, Buffer.from(emb.buffer));
    }
    const tokens = buildTokens({
      encoder: encoderRef, embeddings: emb, labels, classNames: classes, labelled: true,
      seed: TOKEN_SAMPLE.seed, name: ds,
    });
    const file = {
      ...tokens,
      createdAt: '(see data/public/tokens/index.json)',
      sample: { dataset: ds, classesInSample: allClasses, classesUsed: classes.length, perClass, images: files.length, seed: TOKEN_SAMPLE.seed },
    };
    writeFileSync(join(OUT, `${ds}.json`), JSON.stringify(file) + '\n');
    console.log(`${ds}: ${files.length} images, ${classes.length}/${allClasses} classes, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  await enc.release();
}

main().catch((e) => { console.error(e); process.exit(1); });
