// Rank aggregation: several voters (heuristics, hardware rankings) each score the same items;
// combine them into one score per item (higher = better). Scores, not ranks, are taken so that a
// voter's own ties stay ties.

function check(voters: ArrayLike<number>[]): number {
  if (voters.length === 0) throw new Error('no voters');
  const n = voters[0].length;
  for (const v of voters) if (v.length !== n) throw new Error('voters disagree on the number of items');
  return n;
}

/**
 * Copeland's method (as Model Spider's RankAgg): for every pair of items, the one preferred by a
 * strict majority of voters gets 1 point; a tied majority gives each 0.5. A voter with equal
 * scores for the pair prefers neither. Returns points per item, in [0, n - 1].
 */
export function copeland(voters: ArrayLike<number>[]): Float64Array {
  const n = check(voters);
  const points = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let fi = 0;
      let fj = 0;
      for (const v of voters) {
        if (v[i] > v[j]) fi++;
        else if (v[j] > v[i]) fj++;
      }
      if (fi > fj) points[i] += 1;
      else if (fj > fi) points[j] += 1;
      else {
        points[i] += 0.5;
        points[j] += 0.5;
      }
    }
  }
  return points;
}

/**
 * Borda count: each voter gives an item one point per item it beats and half a point per item it
 * ties with (so ties get their average position); points are summed over voters.
 */
export function borda(voters: ArrayLike<number>[], weights?: ArrayLike<number>): Float64Array {
  const n = check(voters);
  const points = new Float64Array(n);
  voters.forEach((v, k) => {
    const w = weights ? weights[k] : 1;
    for (let i = 0; i < n; i++) {
      let p = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        if (v[i] > v[j]) p += 1;
        else if (v[i] === v[j]) p += 0.5;
      }
      points[i] += w * p;
    }
  });
  return points;
}

/**
 * Keeps a base order but re-orders its top k by a second score (e.g. the ranker's top k by a
 * forward-pass score such as LogME). Returns scores (higher = better): n for the first, 1 for the last.
 */
export function rerankTopK(base: ArrayLike<number>, second: ArrayLike<number>, k: number): Float64Array {
  const n = base.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => base[b] - base[a]);
  const top = order.slice(0, k).sort((a, b) => second[b] - second[a]);
  const out = new Float64Array(n);
  [...top, ...order.slice(k)].forEach((i, r) => (out[i] = n - r));
  return out;
}
