// Scoring with committed weights - the same code in Node (bench, tests) and in the page.
import { tf } from '../../probe/tfjs/tf.ts';
import type { DatasetTokens } from '../../tokens/shared/format.ts';
import { assertSameEncoder } from '../../tokens/shared/format.ts';
import { b64ToF32, RANKER_FORMAT, RANKER_VERSION, ZOO_TOKENS_FORMAT, ZOO_TOKENS_VERSION, type B64Tensor, type RankerArtifact, type ZooTokens } from '../shared/artifact.ts';
import { buildQuery, datasetInput, project, type DatasetInput, type Pca, type PreparedModel } from '../shared/features.ts';
import type { ModelMeta } from '../shared/model-tokens.ts';
import { makeBatch, disposeBatch } from './batch.ts';
import { aeEncode, forward, type Weights } from './ranker.ts';

export function tensorsFrom(ws: Record<string, B64Tensor>): Weights {
  return Object.fromEntries(Object.entries(ws).map(([k, v]) => [k, tf.tensor(b64ToF32(v.data), v.shape)]));
}

export function pcaFrom(a: RankerArtifact): Pca {
  return { dim: a.pca.dim, p: a.pca.p, mean: b64ToF32(a.pca.mean), comps: b64ToF32(a.pca.comps) };
}

export type RankerKind = 'cross' | 'self';

export class Scorer {
  readonly pca: Pca;
  private cross: Weights;
  private self: Weights;
  private ae: Weights;
  private archMean: Float32Array;
  private archStd: Float32Array;
  private learnedIds: string[];

  constructor(readonly art: RankerArtifact) {
    if (art.format !== RANKER_FORMAT || art.version !== RANKER_VERSION) throw new Error(`not a ranker v${RANKER_VERSION} file`);
    this.pca = pcaFrom(art);
    this.cross = tensorsFrom(art.rankers.cross.weights);
    this.self = tensorsFrom(art.rankers.self.weights);
    this.ae = tensorsFrom(art.arch.weights);
    this.archMean = b64ToF32(art.arch.mean);
    this.archStd = b64ToF32(art.arch.std);
    this.learnedIds = art.rankers.self.learnedIds;
  }

  /** ArchToVec code of raw weight features (standardised with the zoo's statistics, then the autoencoder). */
  archCodes(raw: (number[] | null)[]): (Float32Array | null)[] {
    const rows = raw.filter((r): r is number[] => r !== null);
    if (!rows.length) return raw.map(() => null);
    const d = rows[0].length;
    const x = new Float32Array(rows.length * d);
    rows.forEach((r, i) => r.forEach((v, j) => (x[i * d + j] = (v - this.archMean[j]) / this.archStd[j])));
    const z = tf.tidy(() => aeEncode(this.ae, tf.tensor2d(x, [rows.length, d])));
    const codes = z.dataSync() as Float32Array;
    const c = z.shape[1]!;
    z.dispose();
    let k = 0;
    return raw.map((r) => (r ? codes.slice(c * k, c * ++k) : null));
  }

  /** Source class centres (encoder space) -> PCA space. */
  projectSource(centres: number[][]): { centres: Float32Array; n: number } {
    const p = this.pca.p;
    const out = new Float32Array(centres.length * p);
    centres.forEach((c, i) => out.set(project(this.pca, c), i * p));
    return { centres: out, n: centres.length };
  }

  prepare(models: { id: string; meta: ModelMeta; arch: number[] | null; source: { centres: Float32Array; n: number } | null }[]): PreparedModel[] {
    const codes = this.archCodes(models.map((m) => m.arch));
    const A = this.art.arch.ae.code;
    return models.map((m, i) => ({
      id: m.id,
      query: buildQuery(m.meta, codes[i], A, m.source, this.pca.p),
      source: m.source,
      learned: this.learnedIds.indexOf(m.id),
    }));
  }

  prepareZoo(z: ZooTokens): PreparedModel[] {
    if (z.format !== ZOO_TOKENS_FORMAT || z.version !== ZOO_TOKENS_VERSION) throw new Error('not a zoo-tokens v1 file');
    if (z.ranker !== this.art.id) throw new Error(`zoo tokens were made for ranker ${z.ranker}, not ${this.art.id}`);
    const src = Object.fromEntries(Object.entries(z.sources).map(([k, v]) => [k, { n: v.n, centres: b64ToF32(v.centres) }]));
    return this.prepare(z.models.map((m) => ({ ...m, source: m.source ? src[m.source] : null })));
  }

  datasetInput(t: DatasetTokens): DatasetInput {
    assertSameEncoder(t, this.art.encoder);
    return datasetInput(t, this.pca);
  }

  /** One score per model (higher = better), all candidates in one pass. */
  score(t: DatasetTokens | DatasetInput, models: PreparedModel[], kind: RankerKind = 'cross'): Float32Array {
    const ds = 'rows' in t ? t : this.datasetInput(t);
    return this.scoreMany([ds], models, kind)[0];
  }

  scoreMany(ds: DatasetInput[], models: PreparedModel[], kind: RankerKind = 'cross'): Float32Array[] {
    const cfg = kind === 'cross' ? this.art.rankers.cross.config : this.art.rankers.self.config;
    const w = kind === 'cross' ? this.cross : this.self;
    const out: Float32Array[] = [];
    for (let s = 0; s < ds.length; s += 16) {
      const batch = makeBatch(ds.slice(s, s + 16), models, this.pca.p);
      const y = tf.tidy(() => forward(cfg, w, batch));
      const v = y.dataSync() as Float32Array;
      y.dispose();
      disposeBatch(batch);
      for (let b = 0; b < Math.min(16, ds.length - s); b++) out.push(v.slice(b * models.length, (b + 1) * models.length));
    }
    return out;
  }

  dispose(): void {
    for (const w of [this.cross, this.self, this.ae]) for (const t of Object.values(w)) t.dispose();
  }
}
