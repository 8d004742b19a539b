// Two-phase coarse recall (Cui et al.), evaluated leave-one-target-out on a published table:
// 1. cluster the models by their performance vectors (z-scored results on the *other* targets),
// 2. "score" each cluster's representative on the held-out target (in the page: a forward pass / probe;
//    here its published result stands for that measurement),
// 3. propagate to the other models by the similarity of their performance vectors,
// 4. recall the top K; report how often the best model survives and how many forward passes it costs.
import { mulberry32 } from '../shared/random.ts';
import type { RankingTable } from '../catalogue/shared/evidence.ts';
import { zRows } from '../catalogue/shared/rankeval.ts';

export interface RecallOptions {
  ks: number[];
  /** number of clusters; default ceil(sqrt(models)) */
  clusters?: number;
  seed?: number;
  /** optional ranker scores per target aligned with the table's models, for the "ranker top-K alone" line */
  rankerScores?: Record<string, ArrayLike<number>>;
}

export interface RecallResult {
  models: number;
  clusters: number;
  /** K -> fraction of targets whose best model is in the recalled top K (propagation by performance vectors) */
  hit: Record<number, number>;
  /** the same with the ranker's scores as the base and each cluster's measured residual propagated to its members */
  hitWithRanker: Record<number, number>;
  rankerHit: Record<number, number>;
  /** forward passes of the coarse phase (representatives) */
  passes: number;
  saved(k: number): number;
}

function kmeans(vs: number[][], k: number, seed: number): { assign: number[]; centres: number[][] } {
  const rand = mulberry32(seed);
  const n = vs.length, d = vs[0].length;
  const d2 = (a: number[], b: number[]) => a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0);
  const centres: number[][] = [vs[Math.floor(rand() * n)].slice()];
  while (centres.length < k) { // k-means++
    const dist = vs.map((v) => Math.min(...centres.map((c) => d2(v, c))));
    const tot = dist.reduce((a, b) => a + b, 0);
    let r = rand() * tot, i = 0;
    while (i < n - 1 && r > dist[i]) { r -= dist[i]; i++; }
    centres.push(vs[i].slice());
  }
  let assign = new Array(n).fill(0);
  for (let it = 0; it < 50; it++) {
    const next = vs.map((v) => { let b = 0; centres.forEach((c, j) => { if (d2(v, c) < d2(v, centres[b])) b = j; }); return b; });
    const changed = next.some((a, i) => a !== assign[i]);
    assign = next;
    for (let j = 0; j < k; j++) {
      const mem = vs.filter((_, i) => assign[i] === j);
      if (mem.length) centres[j] = Array.from({ length: d }, (_, c) => mem.reduce((s, v) => s + v[c], 0) / mem.length);
    }
    if (!changed && it > 0) break;
  }
  return { assign, centres };
}

const corr = (a: number[], b: number[]) => {
  const ma = a.reduce((s, x) => s + x, 0) / a.length, mb = b.reduce((s, x) => s + x, 0) / b.length;
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += (a[i] - ma) * (b[i] - mb); aa += (a[i] - ma) ** 2; bb += (b[i] - mb) ** 2; }
  return aa && bb ? ab / Math.sqrt(aa * bb) : 0;
};

function standardise(xs: number[]): number[] {
  const mu = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mu) ** 2, 0) / xs.length) || 1;
  return xs.map((x) => (x - mu) / sd);
}

export function twoPhaseRecall(t: RankingTable, opts: RecallOptions): RecallResult {
  const z = zRows(t.acc);
  const n = t.models.length;
  const C = Math.min(n, opts.clusters ?? Math.ceil(Math.sqrt(n)));
  const hits: Record<number, number[]> = {}, rhits: Record<number, number[]> = {}, chits: Record<number, number[]> = {};
  for (const k of opts.ks) { hits[k] = []; rhits[k] = []; chits[k] = []; }
  t.targets.forEach((target, j) => {
    const cand = t.models.map((_, i) => i).filter((i) => Number.isFinite(t.acc[j][i]));
    if (cand.length < 2) return;
    // performance vectors on the other targets (missing -> 0 = the target's mean)
    const vec = cand.map((i) => z.filter((_, q) => q !== j).map((row) => (Number.isFinite(row[i]) ? row[i] : 0)));
    const { assign, centres } = kmeans(vec, Math.min(C, cand.length), opts.seed ?? 1);
    const reps: number[] = [];
    for (let c = 0; c < centres.length; c++) {
      let best = -1, bd = Infinity;
      vec.forEach((v, r) => { if (assign[r] !== c) return; const dd = v.reduce((s, x, q) => s + (x - centres[c][q]) ** 2, 0); if (dd < bd) { bd = dd; best = r; } });
      if (best >= 0) reps.push(best);
    }
    const measured = new Map(reps.map((r) => [r, t.acc[j][cand[r]]]));
    const score = cand.map((_, r) => {
      if (measured.has(r)) return measured.get(r)!;
      let s = 0, w = 0;
      for (const q of reps) { const wq = Math.max(0, corr(vec[r], vec[q])) ** 2 + 1e-6; s += wq * measured.get(q)!; w += wq; }
      return s / w - 1e-9; // a propagated estimate never outranks an equal measured one
    });
    const gt = cand.map((i) => t.acc[j][i]);
    const bestGt = Math.max(...gt);
    const order = cand.map((_, r) => r).sort((a, b) => score[b] - score[a]);
    const rs = opts.rankerScores?.[target];
    const rorder = rs ? cand.map((_, r) => r).sort((a, b) => rs[cand[b]] - rs[cand[a]]) : null;
    // ranker + propagated residuals: z of the ranker's scores over the candidates, z of the measured
    // representatives among themselves; each cluster's residual (measured - ranker) moves its members
    let corder: number[] | null = null;
    if (rs) {
      const zs = standardise(cand.map((i) => rs[i]));
      const zm = standardise(reps.map((r) => measured.get(r)!));
      const resid = new Map(reps.map((r, q) => [assign[r], zm[q] - zs[r]]));
      const comb = cand.map((_, r) => zs[r] + (resid.get(assign[r]) ?? 0));
      corder = cand.map((_, r) => r).sort((a, b) => comb[b] - comb[a]);
    }
    for (const k of opts.ks) {
      hits[k].push(order.slice(0, k).some((r) => gt[r] === bestGt) ? 1 : 0);
      if (rorder) rhits[k].push(rorder.slice(0, k).some((r) => gt[r] === bestGt) ? 1 : 0);
      if (corder) chits[k].push(corder.slice(0, k).some((r) => gt[r] === bestGt) ? 1 : 0);
    }
  });
  const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  return {
    models: n, clusters: C,
    hit: Object.fromEntries(opts.ks.map((k) => [k, avg(hits[k])])),
    rankerHit: Object.fromEntries(opts.ks.map((k) => [k, avg(rhits[k])])),
    hitWithRanker: Object.fromEntries(opts.ks.map((k) => [k, avg(chits[k])])),
    passes: C,
    saved: (k: number) => Math.max(0, 1 - (C + k) / n),
  };
}
