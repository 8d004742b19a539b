// Dataset tokens from embeddings: one centre per class (Model Spider's task tokens) plus
// per-class statistics and 1..K sub-centres. Same code in the page and in Node.
import { kmeans } from '../../transfer/shared/gmm.ts';
import { TOKENS_FORMAT, TOKENS_VERSION, type ClassToken, type DatasetTokens, type EncoderRef } from './format.ts';

export interface TokenInput {
  encoder: EncoderRef;
  /** row-major [n, dim], unit-norm rows */
  embeddings: Float32Array;
  labels: ArrayLike<number>;
  classNames: string[];
  labelled: boolean;
  subCentres?: number;
  seed?: number;
  clustering?: DatasetTokens['clustering'];
  name?: string;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6; // 6 decimals: tokens are compared at 1e-5

export function buildTokens(inp: TokenInput): DatasetTokens {
  const d = inp.encoder.dim;
  const n = inp.embeddings.length / d;
  if (!Number.isInteger(n)) throw new Error(`embeddings length ${inp.embeddings.length} is not a multiple of dim ${d}`);
  const K = inp.classNames.length;
  const members: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < n; i++) members[inp.labels[i]].push(i);
  const classes: ClassToken[] = [];
  for (let c = 0; c < K; c++) {
    const idx = members[c];
    if (idx.length === 0) continue;
    const centre = new Float64Array(d);
    for (const i of idx) for (let j = 0; j < d; j++) centre[j] += inp.embeddings[i * d + j];
    for (let j = 0; j < d; j++) centre[j] /= idx.length;
    let norm2 = 0;
    for (let j = 0; j < d; j++) norm2 += centre[j] * centre[j];
    let spread = 0;
    for (const i of idx) for (let j = 0; j < d; j++) spread += (inp.embeddings[i * d + j] - centre[j]) ** 2;
    spread /= idx.length;
    const k = Math.max(1, Math.min(inp.subCentres ?? 1, idx.length));
    let subCentres: number[][];
    if (k === 1) subCentres = [Array.from(centre, round)];
    else {
      const sub = new Float64Array(idx.length * d);
      idx.forEach((i, r) => sub.set(inp.embeddings.subarray(i * d, (i + 1) * d), r * d));
      const cs = kmeans({ data: sub, n: idx.length, d }, k, inp.seed ?? 0, 20);
      subCentres = Array.from({ length: k }, (_, s) => Array.from(cs.subarray(s * d, (s + 1) * d), round));
    }
    classes.push({
      name: inp.classNames[c], count: idx.length, centre: Array.from(centre, round),
      concentration: round(Math.sqrt(norm2)), spread: round(spread), subCentres,
    });
  }
  let cosSum = 0, pairs = 0;
  for (let a = 0; a < classes.length; a++) {
    for (let b = a + 1; b < classes.length; b++) {
      let ab = 0;
      for (let j = 0; j < d; j++) ab += classes[a].centre[j] * classes[b].centre[j];
      cosSum += ab / (classes[a].concentration * classes[b].concentration || 1);
      pairs++;
    }
  }
  return {
    format: TOKENS_FORMAT, version: TOKENS_VERSION, encoder: inp.encoder, labelled: inp.labelled,
    ...(inp.clustering ? { clustering: inp.clustering } : {}),
    seed: inp.seed ?? 0, classes,
    stats: {
      images: n,
      meanCentreCosine: round(pairs ? cosSum / pairs : 1),
      meanSpread: round(classes.reduce((s, c) => s + c.spread * c.count, 0) / Math.max(1, n)),
    },
    createdAt: new Date().toISOString(),
    ...(inp.name ? { name: inp.name } : {}),
  };
}
