// Rankers of public models trained on published evidence. `PublicRanker` is the interface a later
// cross-attention ranker implements too: fit on (model, target, z-scored result) pairs, then score any
// catalogue model (with or without evidence) for a target described by its dataset token.
import { weightedTau } from '../../metrics/ranking.ts';
import { classCoverage, meanCosine, type TokenSummary } from './token-features.ts';

export interface ModelInfo {
  id: string;
  /** lower-case family (familyOf) */
  family: string;
  logParams: number | null;
  imagenetTop1: number | null;
  /** canonical dataset the model was (pre-)trained or fine-tuned on, whose token stands for it */
  source: string | null;
}

export interface RankerContext {
  models: Map<string, ModelInfo>;
  /** canonical dataset -> token of a user-like sample of it (the target half) */
  targetTokens: Map<string, TokenSummary>;
  /** canonical dataset -> token of the data a model was trained on (the other half) */
  sourceTokens: Map<string, TokenSummary>;
}

export interface TrainPair {
  model: string;
  /** canonical target: the unit left out together in leave-one-target-out */
  target: string;
  /** table|target: the ranking the pair belongs to (z-scored within it) */
  group: string;
  z: number;
}

export interface PublicRanker {
  readonly name: string;
  fit(pairs: TrainPair[], ctx: RankerContext): void;
  /** higher = better; one score per model id. `table`: the protocol (recipe) the ranking is for, when known */
  score(models: string[], target: string, ctx: RankerContext, table?: string): Float64Array;
}

// ---------------------------------------------------------------- linear algebra (float64)

/** Solves (A + lambda*D) w = b for symmetric positive definite A (n x n, row-major), D = diag(pen). */
export function ridgeSolve(A: Float64Array, b: Float64Array, n: number, lambda: number, pen: Float64Array): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j] + (i === j ? lambda * pen[i] + 1e-9 : 0);
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / L[j * n + j];
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
  }
  const w = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * w[k];
    w[i] = s / L[i * n + i];
  }
  return w;
}

// ---------------------------------------------------------------- features

/** target features from its token: [1, cos to ImageNet, mean centre cosine, mean spread] (0 when no token) */
function targetPhi(target: string, ctx: RankerContext, norm: Norm): number[] {
  const t = ctx.targetTokens.get(target);
  const inet = ctx.sourceTokens.get('imagenet');
  if (!t) return [1, 0, 0, 0];
  const raw = [inet ? meanCosine(inet, t) : 0, t.meanCentreCosine, t.meanSpread];
  return [1, ...raw.map((x, i) => (x - norm.phiMu[i]) / norm.phiSd[i])];
}

interface Norm { phiMu: number[]; phiSd: number[]; pMu: number; pSd: number; aMu: number; aSd: number; sMu: number[]; sSd: number[] }

const musd = (xs: number[]): [number, number] => {
  if (!xs.length) return [0, 1];
  const mu = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mu) ** 2, 0) / xs.length) || 1;
  return [mu, sd];
};

const normCache = new WeakMap<RankerContext, Norm>();
/** Label-free normalisation constants: from the tokens and the model metadata only. */
function makeNorm(ctx: RankerContext): Norm {
  const hit = normCache.get(ctx);
  if (hit) return hit;
  const norm = makeNormUncached(ctx);
  normCache.set(ctx, norm);
  return norm;
}
function makeNormUncached(ctx: RankerContext): Norm {
  const inet = ctx.sourceTokens.get('imagenet');
  const ts = [...ctx.targetTokens.values()];
  const cols = [ts.map((t) => (inet ? meanCosine(inet, t) : 0)), ts.map((t) => t.meanCentreCosine), ts.map((t) => t.meanSpread)];
  const phi = cols.map(musd);
  const ms = [...ctx.models.values()];
  const [pMu, pSd] = musd(ms.map((m) => m.logParams).filter((x): x is number => x !== null));
  const [aMu, aSd] = musd(ms.map((m) => m.imagenetTop1).filter((x): x is number => x !== null));
  const sims: number[][] = [[], []];
  for (const [sn, s] of ctx.sourceTokens) for (const [tn, t] of ctx.targetTokens) { const r = rawSim(sn, s, tn, t); sims[0].push(r[0]); sims[1].push(r[1]); }
  const sm = sims.map(musd);
  return { phiMu: phi.map((x) => x[0]), phiSd: phi.map((x) => x[1]), pMu, pSd, aMu, aSd, sMu: sm.map((x) => x[0]), sSd: sm.map((x) => x[1]) };
}

const simCache = new Map<string, number[]>();
function rawSim(sn: string, s: TokenSummary, tn: string, t: TokenSummary): number[] {
  const key = `${sn}|${tn}`;
  let raw = simCache.get(key);
  if (!raw) { raw = [classCoverage(s, t), meanCosine(s, t)]; simCache.set(key, raw); }
  return raw;
}
function sim(model: ModelInfo, target: string, ctx: RankerContext, norm: Norm): number[] {
  const s = model.source ? ctx.sourceTokens.get(model.source) : undefined;
  const t = ctx.targetTokens.get(target);
  if (!s || !t) return [0, 0, 0];
  const raw = rawSim(model.source!, s, target, t);
  return [(raw[0] - norm.sMu[0]) / norm.sSd[0], (raw[1] - norm.sMu[1]) / norm.sSd[1], 1];
}

/** feature blocks of the ridge ranker (all on by default) */
export interface RidgeBlocks {
  /** a second learned bias per (table = recipe/protocol, model): published recipes disagree (tau 0.48) */
  tableBias: boolean;
  /** learned family vectors against the target token's features */
  family: boolean;
  /** metadata (log params, ImageNet top-1) x target token features */
  meta: boolean;
  /** similarity of the model's source-data token to the target token */
  sim: boolean;
}

/**
 * Default blocks. Chosen after a first leave-one-target-out run of four variants on the published tables
 * (docs/public.md reports all of them): the family and metadata x token blocks lowered every table's figure,
 * so they are off by default and reported as a variant.
 */
export const DEFAULT_BLOCKS: RidgeBlocks = { tableBias: true, family: false, meta: false, sim: true };

/**
 * The ImageNet top-1 prior as scores: a model without a known top-1 is ranked below every known one.
 * Null for ImageNet itself as the target: there the prior is the answer (OpenCLIP's top-1 is its
 * zero-shot ImageNet result, one of that table's targets).
 */
export function priorScores(models: string[], target: string, ctx: RankerContext): number[] | null {
  if (target === 'imagenet') return null;
  return models.map((m) => ctx.models.get(m)?.imagenetTop1 ?? -1e6);
}

/**
 * Ridge ranker: z(model, target) ~ b_model (a learned vector: one weight per model seen in training)
 *   + v_family . phi(target) (learned family vectors against the target token's features)
 *   + W (metadata of the model x phi(target)) + c . sim(source token, target token).
 * lambda = 3, fixed a priori; with several lambdas, one is chosen by an inner leave-one-target-out on the
 * training targets only.
 */
export class RidgeRanker implements PublicRanker {
  readonly name: string;
  lambdas: number[];
  lambda = NaN;
  private w: Float64Array | null = null;
  private modelIx = new Map<string, number>();
  private famIx = new Map<string, number>();
  private norm: Norm | null = null;
  private dim = 0;
  readonly blocks: RidgeBlocks;
  private tableIx = new Map<string, number>();
  /** block variants to choose from, per table, by the inner leave-one-target-out (empty: `blocks` as given) */
  readonly choose: RidgeBlocks[];
  /** per table (recipe): the chosen variant's weights, lambda and blocks (the best learned one where the prior won), whether the prior won, and the winner's inner tau (only with `choose`) */
  chosen = new Map<string, { blocks: RidgeBlocks; lambda: number; w: Float64Array; tau: number; prior?: boolean }>();
  /** the ImageNet top-1 prior is a candidate of the per-table choice beside the block variants */
  readonly priorCandidate: boolean;
  constructor(opts: { lambdas?: number[]; useTokens?: boolean; name?: string; blocks?: Partial<RidgeBlocks>; choose?: Partial<RidgeBlocks>[]; priorCandidate?: boolean } = {}) {
    this.lambdas = opts.lambdas ?? [3];
    this.priorCandidate = opts.priorCandidate ?? false;
    this.useTokens = opts.useTokens ?? true;
    this.choose = (opts.choose ?? []).map((v) => ({ ...DEFAULT_BLOCKS, ...opts.blocks, ...v }));
    // with variants, the features hold every block any variant uses; a variant switches a block off by
    // holding its weights at zero (see fit)
    const union = (k: keyof RidgeBlocks) => this.choose.some((v) => v[k]);
    this.blocks = this.choose.length
      ? { tableBias: union('tableBias'), family: union('family'), meta: union('meta'), sim: union('sim') }
      : { ...DEFAULT_BLOCKS, ...opts.blocks };
    this.name = opts.name ?? 'ridge ranker';
  }
  readonly useTokens: boolean;

  private features(model: string, target: string, ctx: RankerContext, table?: string): { idx: number[]; val: number[] } {
    const info = ctx.models.get(model);
    const norm = this.norm!;
    const B = this.blocks;
    const phi = this.useTokens ? targetPhi(target, ctx, norm) : [1, 0, 0, 0];
    const idx: number[] = [], val: number[] = [];
    const mi = this.modelIx.get(model);
    if (mi !== undefined) { idx.push(mi); val.push(1); }
    const K = this.modelIx.size, F = this.famIx.size, TB = this.tableIx.size;
    const ti = table !== undefined ? this.tableIx.get(`${table}|${model}`) : undefined;
    if (B.tableBias && ti !== undefined) { idx.push(K + ti); val.push(1); }
    const fi = info ? this.famIx.get(info.family) : undefined;
    if (B.family && fi !== undefined) phi.forEach((p, j) => { idx.push(K + TB + fi * 4 + j); val.push(p); });
    const base = K + TB + F * 4;
    const p = info?.logParams != null ? (info.logParams - norm.pMu) / norm.pSd : 0;
    const a = info?.imagenetTop1 != null ? (info.imagenetTop1 - norm.aMu) / norm.aSd : 0;
    const meta = [p, a, info?.imagenetTop1 == null ? 1 : 0];
    if (B.meta) meta.forEach((m, i) => phi.forEach((q, j) => { idx.push(base + i * 4 + j); val.push(m * q); }));
    const s = info && this.useTokens && B.sim ? sim(info, target, ctx, norm) : [0, 0, 0];
    s.forEach((x, i) => { idx.push(base + 12 + i); val.push(x); });
    return { idx, val };
  }

  private stats(pairs: TrainPair[], ctx: RankerContext): Map<string, { A: Float64Array; b: Float64Array }> {
    const n = this.dim;
    const out = new Map<string, { A: Float64Array; b: Float64Array }>();
    for (const p of pairs) {
      if (!out.has(p.target)) out.set(p.target, { A: new Float64Array(n * n), b: new Float64Array(n) });
      const { A, b } = out.get(p.target)!;
      const f = this.features(p.model, p.target, ctx, p.group.split('|')[0]);
      for (let u = 0; u < f.idx.length; u++) {
        b[f.idx[u]] += f.val[u] * p.z;
        for (let v = 0; v < f.idx.length; v++) A[f.idx[u] * n + f.idx[v]] += f.val[u] * f.val[v];
      }
    }
    return out;
  }

  fit(pairs: TrainPair[], ctx: RankerContext): void {
    this.norm = makeNorm(ctx);
    this.modelIx = new Map([...new Set(pairs.map((p) => p.model))].map((m, i) => [m, i]));
    const fams = [...new Set([...ctx.models.values()].map((m) => m.family))];
    this.famIx = new Map(fams.map((f, i) => [f, i]));
    this.tableIx = new Map([...new Set(pairs.map((p) => `${p.group.split('|')[0]}|${p.model}`))].map((k, i) => [k, i]));
    this.dim = this.modelIx.size + this.tableIx.size + fams.length * 4 + 12 + 3;
    const n = this.dim;
    const pen = new Float64Array(n).fill(1);
    const st = this.stats(pairs, ctx);
    const At = new Float64Array(n * n), bt = new Float64Array(n);
    for (const s of st.values()) {
      for (let i = 0; i < n * n; i++) At[i] += s.A[i];
      for (let i = 0; i < n; i++) bt[i] += s.b[i];
    }
    const sum = (skip: string | null) => {
      if (skip === null) return { A: At, b: bt };
      const s = st.get(skip)!;
      const A = new Float64Array(n * n), b = new Float64Array(n);
      for (let i = 0; i < n * n; i++) A[i] = At[i] - s.A[i];
      for (let i = 0; i < n; i++) b[i] = bt[i] - s.b[i];
      return { A, b };
    };
    if (this.choose.length) { this.fitChosen(pairs, ctx, st, sum); return; }
    if (this.lambdas.length === 1) this.lambda = this.lambdas[0];
    else {
      // inner leave-one-target-out on the training targets: mean weighted tau per (group)
      const targets = [...st.keys()];
      const byGroup = new Map<string, TrainPair[]>();
      for (const p of pairs) { if (!byGroup.has(p.group)) byGroup.set(p.group, []); byGroup.get(p.group)!.push(p); }
      let bestTau = -Infinity;
      for (const lam of this.lambdas) {
        const taus: number[] = [];
        for (const t of targets) {
          const { A, b } = sum(t);
          this.w = ridgeSolve(A, b, n, lam, pen);
          for (const [g, ps] of byGroup) {
            if (ps[0].target !== t || ps.length < 3) continue;
            const pred = ps.map((p) => this.predict(p.model, p.target, ctx, p.group.split('|')[0]));
            const tau = weightedTau(ps.map((p) => p.z), pred, { rank: null });
            if (Number.isFinite(tau)) taus.push(tau);
          }
        }
        const m = taus.reduce((a, b) => a + b, 0) / Math.max(1, taus.length);
        if (m > bestTau) { bestTau = m; this.lambda = lam; }
      }
    }
    const { A, b } = sum(null);
    this.w = ridgeSolve(A, b, n, this.lambda, pen);
  }

  /** penalty per weight for a variant: a block it leaves out is held at zero by an overwhelming penalty */
  private penaltyOf(v: RidgeBlocks): Float64Array {
    const K = this.modelIx.size, TB = this.tableIx.size, F = this.famIx.size, n = this.dim;
    const pen = new Float64Array(n).fill(1);
    const off = (a: number, b: number) => { for (let i = a; i < b; i++) pen[i] = 1e9; };
    const base = K + TB + F * 4;
    if (!v.tableBias) off(K, K + TB);
    if (!v.family) off(K + TB, base);
    if (!v.meta) off(base, base + 12);
    if (!v.sim) off(base + 12, base + 15);
    return pen;
  }

  /**
   * Chooses, for each table (recipe) of the training pairs, the block variant and lambda with the best
   * mean weighted tau over an inner leave-one-target-out on the training targets only, then fits each
   * chosen one on every training pair. A table never seen in training gets the variant best over all.
   */
  private fitChosen(pairs: TrainPair[], ctx: RankerContext, st: Map<string, unknown>, sum: (skip: string | null) => { A: Float64Array; b: Float64Array }): void {
    const n = this.dim;
    const byGroup = new Map<string, TrainPair[]>();
    for (const p of pairs) { if (!byGroup.has(p.group)) byGroup.set(p.group, []); byGroup.get(p.group)!.push(p); }
    const tables = [...new Set(pairs.map((p) => p.group.split('|')[0]))];
    const cands: { blocks: RidgeBlocks; lambda: number; pen: Float64Array; prior?: boolean }[] = this.choose.flatMap((blocks) => this.lambdas.map((lambda) => ({ blocks, lambda, pen: this.penaltyOf(blocks) })));
    // the prior a user would otherwise use: where the learned variants do worse on a table's training
    // targets, the table is ranked by it (last in the list: a tie goes to a learned variant)
    if (this.priorCandidate) cands.push({ blocks: this.choose[0], lambda: NaN, pen: new Float64Array(0), prior: true });
    // tau lists per candidate and table, and over all groups
    const taus = cands.map(() => new Map<string, number[]>([['*', []], ...tables.map((t) => [t, []] as [string, number[]])]));
    for (const t of st.keys()) {
      const { A, b } = sum(t);
      cands.forEach((c, ci) => {
        if (!c.prior) this.w = ridgeSolve(A, b, n, c.lambda, c.pen);
        for (const [g, ps] of byGroup) {
          if (ps[0].target !== t || ps.length < 3) continue;
          const table = g.split('|')[0];
          const pred = c.prior ? priorScores(ps.map((p) => p.model), t, ctx) : ps.map((p) => this.predict(p.model, p.target, ctx, table));
          if (!pred) continue;
          const tau = weightedTau(ps.map((p) => p.z), pred, { rank: null });
          if (Number.isFinite(tau)) { taus[ci].get(table)!.push(tau); taus[ci].get('*')!.push(tau); }
        }
      });
    }
    const meanOf = (xs: number[]) => (xs.length ? xs.reduce((a, v) => a + v, 0) / xs.length : -Infinity);
    const { A, b } = sum(null);
    const fitted = new Map<number, Float64Array>();
    this.chosen.clear();
    for (const table of ['*', ...tables]) {
      // first best wins a tie: the variants' order is the caller's preference; the best learned variant
      // is kept beside a chosen prior, for a target the prior cannot score (ImageNet)
      let bi = 0, bl = 0;
      cands.forEach((c, ci) => {
        if (meanOf(taus[ci].get(table)!) > meanOf(taus[bi].get(table)!)) bi = ci;
        if (!c.prior && meanOf(taus[ci].get(table)!) > meanOf(taus[bl].get(table)!)) bl = ci;
      });
      if (!fitted.has(bl)) fitted.set(bl, ridgeSolve(A, b, n, cands[bl].lambda, cands[bl].pen));
      this.chosen.set(table, { blocks: cands[bl].blocks, lambda: cands[bl].lambda, w: fitted.get(bl)!, tau: meanOf(taus[bi].get(table)!), prior: cands[bi].prior });
    }
    const all = this.chosen.get('*')!;
    this.w = all.w;
    this.lambda = all.lambda;
  }

  private predict(model: string, target: string, ctx: RankerContext, table?: string, w: Float64Array = this.w!): number {
    const f = this.features(model, target, ctx, table);
    let s = 0;
    for (let u = 0; u < f.idx.length; u++) s += w[f.idx[u]] * f.val[u];
    return s;
  }

  score(models: string[], target: string, ctx: RankerContext, table?: string): Float64Array {
    if (!this.w) throw new Error('ranker not fitted');
    // a table never seen in training gets the choice made over all tables ('*')
    const c = (table !== undefined ? this.chosen.get(table) : undefined) ?? this.chosen.get('*');
    const prior = c?.prior ? priorScores(models, target, ctx) : null;
    if (prior) return Float64Array.from(prior);
    const w = c?.w ?? this.w;
    return Float64Array.from(models, (m) => this.predict(m, target, ctx, table, w));
  }

  /**
   * The fitted ranker as plain JSON (numbers round-trip exactly through JSON). Scoring also needs the
   * context's model metadata and source tokens; the normalisation constants, taken from the context at
   * fit time, travel with the weights, so a target token added later does not change them.
   */
  serialise(): SerialisedRidge {
    if (!this.w || !this.norm) throw new Error('ranker not fitted');
    if (this.choose.length) throw new Error('a ranker with per-table chosen blocks has no serialised form (the page fits fixed blocks)');
    return {
      format: SERIALISED_RIDGE_FORMAT, version: SERIALISED_RIDGE_VERSION,
      name: this.name, blocks: { ...this.blocks }, useTokens: this.useTokens, lambda: this.lambda,
      models: [...this.modelIx.keys()], families: [...this.famIx.keys()], tableModels: [...this.tableIx.keys()],
      norm: { ...this.norm, phiMu: [...this.norm.phiMu], phiSd: [...this.norm.phiSd], sMu: [...this.norm.sMu], sSd: [...this.norm.sSd] },
      w: [...this.w],
    };
  }

  static deserialise(s: SerialisedRidge): RidgeRanker {
    if (s?.format !== SERIALISED_RIDGE_FORMAT) throw new Error('not a serialised ridge ranker');
    if (s.version !== SERIALISED_RIDGE_VERSION) throw new Error(`serialised ridge ranker version ${s.version}; this code reads ${SERIALISED_RIDGE_VERSION}`);
    const r = new RidgeRanker({ lambdas: [s.lambda], useTokens: s.useTokens, name: s.name, blocks: s.blocks });
    r.lambda = s.lambda;
    r.modelIx = new Map(s.models.map((m, i) => [m, i]));
    r.famIx = new Map(s.families.map((f, i) => [f, i]));
    r.tableIx = new Map(s.tableModels.map((k, i) => [k, i]));
    r.dim = r.modelIx.size + r.tableIx.size + r.famIx.size * 4 + 12 + 3;
    if (s.w.length !== r.dim) throw new Error(`serialised ridge ranker: ${s.w.length} weights, its blocks need ${r.dim}`);
    r.norm = { ...s.norm };
    r.w = Float64Array.from(s.w);
    return r;
  }
}

export const SERIALISED_RIDGE_FORMAT = 'zooscout.ridge-ranker';
export const SERIALISED_RIDGE_VERSION = 1;

/** A fitted RidgeRanker (`RidgeRanker.serialise`), format `zooscout.ridge-ranker` v1. */
export interface SerialisedRidge {
  format: typeof SERIALISED_RIDGE_FORMAT;
  version: typeof SERIALISED_RIDGE_VERSION;
  name: string;
  blocks: RidgeBlocks;
  useTokens: boolean;
  lambda: number;
  /** models with a learned vector, in weight order */
  models: string[];
  /** families (familyOf, lower-case) of the fit context, in weight order */
  families: string[];
  /** `table|model` keys of the per-recipe vectors, in weight order */
  tableModels: string[];
  /** label-free normalisation constants of the fit context (tokens and metadata) */
  norm: { phiMu: number[]; phiSd: number[]; pMu: number; pSd: number; aMu: number; aSd: number; sMu: number[]; sSd: number[] };
  w: number[];
}
