// Zoo model forward passes in Node (onnxruntime-node, one intra-op thread): penultimate
// `features` and source `logits` for every image of a dataset, cached under .cache/zoo/features.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ZooModelEntry } from '../shared/catalogue.ts';
import { CACHE_DIR, listingHash, type PixelSet } from './dataset.ts';

export interface ModelOutputs {
  n: number;
  featureDim: number;
  logitDim: number;
  features: Float32Array;
  logits: Float32Array;
}

const sessions = new Map<string, ort.InferenceSession>();

export async function session(modelsDir: string, m: ZooModelEntry): Promise<ort.InferenceSession> {
  let s = sessions.get(m.id);
  if (!s) {
    s = await ort.InferenceSession.create(join(modelsDir, m.file), { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
    sessions.set(m.id, s);
  }
  return s;
}

export function releaseSessions(): void {
  for (const s of sessions.values()) void s.release();
  sessions.clear();
}

export async function runModel(s: ort.InferenceSession, m: ZooModelEntry, pixels: Float32Array, n: number, batch = 128): Promise<ModelOutputs> {
  const S = m.preprocess.crop;
  const per = 3 * S * S;
  const features = new Float32Array(n * m.featureDim);
  const logits = new Float32Array(n * m.logitDim);
  for (let b = 0; b < n; b += batch) {
    const k = Math.min(batch, n - b);
    const x = new ort.Tensor('float32', pixels.subarray(b * per, (b + k) * per), [k, 3, S, S]);
    const r = await s.run({ [m.input.name]: x });
    features.set(r[m.outputs.features].data as Float32Array, b * m.featureDim);
    logits.set(r[m.outputs.logits].data as Float32Array, b * m.logitDim);
  }
  return { n, featureDim: m.featureDim, logitDim: m.logitDim, features, logits };
}

/** Features + logits of every image of a pixel set, cached per (model sha256, listing). */
export async function datasetOutputs(modelsDir: string, m: ZooModelEntry, px: PixelSet): Promise<ModelOutputs> {
  const dir = join(CACHE_DIR, 'features', `${m.id}-${m.sha256.slice(0, 12)}`);
  const path = join(dir, `${px.listing.name}-${listingHash(px.listing)}.bin`);
  const n = px.listing.files.length;
  if (existsSync(path)) {
    const buf = readFileSync(path);
    const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    return { n, featureDim: m.featureDim, logitDim: m.logitDim, features: all.subarray(0, n * m.featureDim), logits: all.subarray(n * m.featureDim) };
  }
  const out = await runModel(await session(modelsDir, m), m, px.pixels, n);
  mkdirSync(dir, { recursive: true });
  const all = new Float32Array(n * (m.featureDim + m.logitDim));
  all.set(out.features, 0);
  all.set(out.logits, n * m.featureDim);
  writeFileSync(path + '.tmp', Buffer.from(all.buffer));
  renameSync(path + '.tmp', path);
  return out;
}
