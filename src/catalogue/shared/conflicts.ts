// Conflicts between tables that measured the same (model, target) pairs: reported, never averaged.
import { weightedTau } from '../../metrics/ranking.ts';
import type { EvidenceRow } from './evidence.ts';
import { mean } from './rankeval.ts';

export interface Conflict {
  a: string; b: string; metric: string;
  pairs: number; identical: number; meanAbsDiff: number; maxAbsDiff: number;
  /** target -> weightedtau(a, b, rank=None) over the shared models */
  tauPerTarget: Record<string, number>;
  meanTau: number;
}

export function findConflicts(rows: EvidenceRow[]): Conflict[] {
  const res = rows.filter((r) => !r.metric.startsWith('score:'));
  const byKey = new Map<string, EvidenceRow[]>();
  for (const r of res) {
    const k = `${r.model}|${r.target}|${r.metric}`;
    if (!byKey.has(k)) byKey.set(k, []);
    byKey.get(k)!.push(r);
  }
  const pairs = new Map<string, [EvidenceRow, EvidenceRow][]>();
  for (const rs of byKey.values()) {
    for (let i = 0; i < rs.length; i++) for (let j = i + 1; j < rs.length; j++) {
      if (rs[i].table === rs[j].table) continue;
      const [x, y] = rs[i].table < rs[j].table ? [rs[i], rs[j]] : [rs[j], rs[i]];
      const k = `${x.table}|${y.table}|${x.metric}`;
      if (!pairs.has(k)) pairs.set(k, []);
      pairs.get(k)!.push([x, y]);
    }
  }
  const out: Conflict[] = [];
  for (const [k, ps] of pairs) {
    const [a, b, metric] = k.split('|');
    const diffs = ps.map(([x, y]) => Math.abs(x.value - y.value));
    const byT = new Map<string, [number[], number[]]>();
    for (const [x, y] of ps) {
      if (!byT.has(x.target)) byT.set(x.target, [[], []]);
      byT.get(x.target)![0].push(x.value);
      byT.get(x.target)![1].push(y.value);
    }
    const tauPerTarget: Record<string, number> = {};
    for (const [t, [xa, ya]] of byT) if (xa.length >= 3) tauPerTarget[t] = weightedTau(xa, ya, { rank: null });
    out.push({ a, b, metric, pairs: ps.length, identical: diffs.filter((d) => d === 0).length, meanAbsDiff: mean(diffs),
      maxAbsDiff: Math.max(...diffs), tauPerTarget, meanTau: mean(Object.values(tauPerTarget)) });
  }
  return out;
}

export function formatConflict(c: Conflict): string {
  const per = Object.entries(c.tauPerTarget).map(([t, v]) => `${t} ${v.toFixed(3)}`).join(', ');
  return `${c.a} vs ${c.b} (${c.metric}): ${c.pairs} shared (model, target) pairs, ${c.identical} identical, mean |diff| ${c.meanAbsDiff.toFixed(2)}, max ${c.maxAbsDiff.toFixed(1)}; ` +
    `weighted tau of the two orders per target: ${per} (mean ${c.meanTau.toFixed(3)})`;
}
