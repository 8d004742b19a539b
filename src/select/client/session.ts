// The results stage in the page: the ranker over the zoo (and the user's own models) for a set of
// dataset tokens, the explanations of a model card, and the candidate list the results table shows.
import { loadPageRanker, rankModels, type PageRanker } from '../../rank/client/ranker.ts';
import type { PreparedModel, DatasetInput } from '../../rank/shared/features.ts';
import { b64ToF32 } from '../../rank/shared/artifact.ts';
import type { DatasetTokens } from '../../tokens/shared/format.ts';
import type { ZooCatalogue } from '../../zoo/shared/catalogue.ts';
import type { ModelCost } from '../../hardware/shared/types.ts';
import { EXPLAIN_FORMAT, EXPLAIN_VERSION, domainAbility, meanByDomain, meanDirection, measuredRank, nearestTasks, type ExplainFile, type NearTask } from '../shared/explain.ts';
import { measuredTask, neighbourScores, standing, type MeasuredTask } from '../shared/neighbour.ts';
import { fitScores, pageStandingRidge } from '../shared/fit.ts';
import type { StandingRidge } from '../../rank/shared/standing-ridge.ts';
import type { CandidateInput, FineCheck } from '../shared/recommendation.ts';
import type { Registry, RegistryEntry } from '../../registry/shared/registry.ts';

export interface ResultsContext {
  ranker: PageRanker;
  catalogue: ZooCatalogue;
  explain: ExplainFile;
  tasks: { id: string; dataset: string; domain: string; n: number; centres: Float32Array; input: DatasetInput; accuracy: Record<string, number> }[];
  /** the same tasks for the measured-neighbour score */
  measured: MeasuredTask[];
  /** the standing ridge fitted on every measured task (the fit of measured models) */
  ridge: StandingRidge;
}

const url = (path: string) => new URL(path, document.baseURI).href;

async function json<T>(path: string): Promise<T> {
  const r = await fetch(url(path));
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

export async function loadResultsContext(): Promise<ResultsContext> {
  const [ranker, catalogue, explain] = await Promise.all([
    // WASM, else CPU (not the default WebGPU first): the ranker is tiny. Measured here (2 cores,
    // 52 models): WASM first ranking of a fresh dataset 19-44 ms in a cold page, median 2-10 ms;
    // CPU first 75-137 ms, median 4-9 ms; GPU backends compile shaders for every new class count:
    // WebGL 1.5 s for a first ranking, WebGPU (SwiftShader) 109 ms cold and 34-38 ms per new class
    // count (median 16 ms) after a 0.3-0.8 s check at load, which that adapter fails anyway (its
    // results read back as zeros). docs/ranker.md, "In the page".
    loadPageRanker({ base: url('models/ranker/'), backends: ['wasm', 'cpu'] }),
    json<ZooCatalogue>('models/zoo/catalogue.json'),
    json<ExplainFile>('models/ranker/explain.json'),
  ]);
  if (explain.format !== EXPLAIN_FORMAT || explain.version !== EXPLAIN_VERSION) throw new Error('models/ranker/explain.json: unknown format');
  if (explain.ranker !== ranker.scorer.art.id) throw new Error('models/ranker/explain.json belongs to another ranker (run npm run rank:explain)');
  const tasks = explain.tasks.map((t) => {
    const centres = b64ToF32(t.input.centres);
    return { id: t.id, dataset: t.dataset, domain: t.domain, n: t.input.n, centres, accuracy: t.accuracy,
      input: { n: t.input.n, rows: b64ToF32(t.input.rows), centres, stats: t.input.stats } };
  });
  const measured = tasks.map((t) => measuredTask(t.id, t.dataset, t.centres, t.n, explain.p, new Map(Object.entries(t.accuracy))));
  // one pass before the user's: weights upload and kernels compile here, so ranking their data is fast
  if (tasks.length) ranker.scorer.score(tasks[0].input, ranker.zoo, 'cross');
  const ridge = pageStandingRidge(measured, explain.standingRidge.lambda);
  return { ranker, catalogue, explain, tasks, measured, ridge };
}

/** A model beside the zoo, already tokenised for the cross-attention ranker, with its registry entry. */
export interface ExtraModel {
  prepared: PreparedModel;
  entry: RegistryEntry;
}

/** A model the cross-attention ranker does not score (the public catalogue: the public ranker does), with its fit. */
export interface ScoredElsewhere {
  entry: RegistryEntry;
  /** standing among its own source's models for the user's data, 0..1 */
  fit: number;
  raw: number;
}

export interface Ranking {
  input: DatasetInput;
  models: PreparedModel[];
  /** the cross-attention ranker's raw scores */
  scores: Float32Array;
  /** standing on the measured tasks nearest the user's data (NaN: never measured, e.g. the user's own model) */
  measured: Float64Array;
  /** what orders the table: the standing ridge's prediction for a measured model, else the metadata ridge's or the ranker's standing (shared/fit.ts) */
  fit: Float64Array;
  ms: number;
}

/**
 * Every candidate's fit for the user's data: for a model with measured ground truth (the zoo, the npm
 * models, the real backbones) the standing ridge's prediction (shared/fit.ts; bench:rank's real
 * block: tau_w 0.773 on blind datasets, against 0.652 for the previous mean of the ranker's and the
 * nearest tasks' standings); for the user's own models the metadata ridge's standing (fitted on the
 * real measured models' predicted standings for this data).
 */
export function rankAll(ctx: ResultsContext, tokens: DatasetTokens, extra: ExtraModel[] = []): Ranking {
  const models = [...ctx.ranker.zoo, ...extra.map((e) => e.prepared)];
  const { scores, ms } = rankModels(ctx.ranker, tokens, 'cross', models);
  const input = ctx.ranker.scorer.datasetInput(tokens);
  const dir = meanDirection(input.centres, input.n, ctx.explain.p);
  const ids = models.map((m) => m.id);
  const measured = neighbourScores(dir, ctx.measured, ids, { k: ctx.explain.neighbour.k });
  return { input, models, scores, measured, fit: fitScores(ids, scores, ctx.ridge, dir, models.map((m) => m.query)).fit, ms };
}

/** The table's candidates: the registry entries the rankers scored, with their fit, cost here and check. */
export function candidates(r: Ranking, registry: Pick<Registry, 'get'>, costs: Map<string, ModelCost>, fine: Map<string, FineCheck>, elsewhere: ScoredElsewhere[] = []): CandidateInput[] {
  const rows: CandidateInput[] = r.models.map((m, i) => {
    const entry = registry.get(m.id);
    if (!entry) throw new Error(`${m.id} was ranked but is not in the registry`);
    return {
      ...entry,
      rankerScore: r.fit[i],
      rankerRaw: r.scores[i],
      measuredStanding: Number.isFinite(r.measured[i]) ? r.measured[i] : null,
      cost: costs.get(m.id) ?? null,
      fine: fine.get(m.id),
    };
  });
  for (const s of elsewhere) {
    rows.push({ ...s.entry, rankerScore: s.fit, rankerRaw: s.raw, measuredStanding: null, cost: costs.get(s.entry.id) ?? null, fine: fine.get(s.entry.id) });
  }
  return rows;
}

export interface Explanation {
  near: (NearTask & { measured: { accuracy: number; rank: number; of: number } | null })[];
  domains: string[];
  predicted: (number | null)[];
  measured: (number | null)[];
}

const predictedCache = new WeakMap<Ranking, Float32Array[]>();

/**
 * Why a model: the training tasks nearest to the user's data, with what this model measured on
 * them, and its ability per domain, predicted by the ranker over every training task (for all
 * candidates at once, cached per ranking) beside the measured ground truth where it exists.
 */
export function explainModel(ctx: ResultsContext, r: Ranking, id: string): Explanation {
  const near = nearestTasks(r.input, ctx.explain.p, ctx.tasks, 3).map((t) => {
    const task = ctx.tasks.find((x) => x.id === t.id)!;
    const mr = measuredRank(task.accuracy, id);
    return { ...t, measured: mr ? { accuracy: task.accuracy[id], ...mr } : null };
  });
  let pred = predictedCache.get(r);
  if (!pred) {
    pred = ctx.ranker.scorer.scoreMany(ctx.tasks.map((t) => t.input), r.models, 'cross');
    predictedCache.set(r, pred);
  }
  const idx = r.models.findIndex((m) => m.id === id);
  const p = domainAbility(ctx.tasks.map((t, k) => ({ domain: t.domain, scores: pred![k] })), idx);
  // measured: the share of the models measured on each task that this one beats, per domain
  const m = meanByDomain(ctx.measured.map((t, k) => ({ domain: ctx.tasks[k].domain, value: standing(t.accuracy, id) })));
  const domains = ctx.explain.domains;
  return { near, domains, predicted: domains.map((d) => p[d] ?? null), measured: domains.map((d) => (d in m ? m[d as keyof typeof m] : null)) };
}
