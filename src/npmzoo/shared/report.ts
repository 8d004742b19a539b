// Figures over a GT table (format v2, src/zoo/shared/gt-format.ts) that holds both the zoo trained
// here and the npm models (ids npm:...): per dataset, the best real model against the best trained
// one; the noise ceiling (weighted tau between the two halves of the repeats).
import { weightedTau } from '../../metrics/ranking.ts';
import { noiseCeilingV2, parseGtCsv, type GtCellV2 } from '../../zoo/shared/gt-format.ts';

export type GtCell = GtCellV2;

/** cells of a v2 gt.csv (src/zoo/shared/gt-format.ts) */
export function parseGt(csv: string): GtCell[] {
  return parseGtCsv(csv);
}

/** a real pre-trained model: an npm package's model (npm:) or a real backbone (real:) */
export const isReal = (model: string) => model.startsWith('npm:') || model.startsWith('real:');
const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;

export interface DatasetBest { dataset: string; tasks: number; bestReal: string; realAcc: number; bestTrained: string; trainedAcc: number; margin: number }

/** Per dataset: each model's mean GT accuracy over the dataset's tasks that BOTH kinds were measured on. */
export function bestRealVsTrained(rows: GtCell[]): DatasetBest[] {
  const s0 = rows;
  const byTask = new Map<string, GtCell[]>();
  for (const r of s0) (byTask.get(r.task) ?? byTask.set(r.task, []).get(r.task)!).push(r);
  const datasets = new Map<string, string[]>();
  for (const [t, rs] of byTask) if (rs.some((r) => isReal(r.model)) && rs.some((r) => !isReal(r.model))) {
    const d = t.split('/')[0];
    (datasets.get(d) ?? datasets.set(d, []).get(d)!).push(t);
  }
  const out: DatasetBest[] = [];
  for (const [dataset, tasks] of [...datasets].sort()) {
    const acc = new Map<string, number[]>();
    for (const t of tasks) for (const r of byTask.get(t)!) (acc.get(r.model) ?? acc.set(r.model, []).get(r.model)!).push(r.accuracy);
    // only models measured on every one of these tasks
    const full = [...acc].filter(([, a]) => a.length === tasks.length).map(([m, a]) => [m, mean(a)] as const);
    const best = (real: boolean) => full.filter(([m]) => isReal(m) === real).sort((a, b) => b[1] - a[1])[0];
    const r = best(true), z = best(false);
    if (!r || !z) continue;
    out.push({ dataset, tasks: tasks.length, bestReal: r[0], realAcc: r[1], bestTrained: z[0], trainedAcc: z[1], margin: r[1] - z[1] });
  }
  return out;
}

/** mean weighted tau (hyperbolic, scipy's default rank=True) between the two halves of the repeats, over the models of each task */
export function noiseCeiling(rows: GtCell[], filter: (model: string) => boolean = () => true): { tau: number; tasks: number; models: number } {
  const r = noiseCeilingV2(rows, (c) => filter(c.model));
  const models = new Set(rows.filter((c) => filter(c.model) && r.perTask.has(c.task)).map((c) => c.model));
  return { tau: r.tau, tasks: r.tasks, models: models.size };
}

/**
 * Baselines on the real models alone (the blind-model quadrant's GT): per task, weightedTau(gt, score,
 * rank=None as Model Spider) of LogME and of the priors — parameter count and the model's mean GT
 * over the other tasks — averaged over tasks with >= 3 real models.
 */
export function realModelBaselines(rows: GtCell[], logme: Map<string, number>, params: Map<string, number>): { tasks: number; logme: number; params: number; meanOther: number } {
  const s0 = rows.filter((r) => isReal(r.model));
  const byTask = new Map<string, Map<string, number>>();
  for (const r of s0) (byTask.get(r.task) ?? byTask.set(r.task, new Map()).get(r.task)!).set(r.model, r.accuracy);
  const tau = (gt: number[], sc: number[]) => {
    const keep = gt.map((g, i) => Number.isFinite(g) && Number.isFinite(sc[i]));
    const a = gt.filter((_, i) => keep[i]), b = sc.filter((_, i) => keep[i]);
    if (a.length < 3) return NaN;
    try {
      return weightedTau(a, b, { rank: null });
    } catch {
      return NaN;
    }
  };
  const out = { logme: [] as number[], params: [] as number[], meanOther: [] as number[] };
  for (const [t, acc] of byTask) {
    const models = [...acc.keys()];
    if (models.length < 3) continue;
    const gt = models.map((m) => acc.get(m)!);
    out.logme.push(tau(gt, models.map((m) => logme.get(`${t}|${m}`) ?? NaN)));
    out.params.push(tau(gt, models.map((m) => params.get(m) ?? NaN)));
    out.meanOther.push(tau(gt, models.map((m) => {
      const o = [...byTask].filter(([u, a]) => u !== t && a.has(m)).map(([, a]) => a.get(m)!);
      return o.length ? mean(o) : NaN;
    })));
  }
  const m = (a: number[]) => {
    const f = a.filter(Number.isFinite);
    return f.length ? mean(f) : NaN;
  };
  return { tasks: out.logme.filter(Number.isFinite).length, logme: m(out.logme), params: m(out.params), meanOther: m(out.meanOther) };
}

/** the bench line the issue asks for: `real-models tau_w: X.XXX (LogME X.XXX)` */
export function realModelsBenchLine(rankerTauW: number, logmeTauW: number): string {
  return `real-models tau_w: ${rankerTauW.toFixed(3)} (LogME ${logmeTauW.toFixed(3)})`;
}
