import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blendWithMeasured, chooseNeighbourK, neighbourScores, standing, standings, type MeasuredTask } from './neighbour.ts';

const task = (id: string, dataset: string, dir: number[], acc: Record<string, number>): MeasuredTask => {
  const n = Math.hypot(...dir);
  return { id, dataset, direction: Float64Array.from(dir, (v) => v / n), accuracy: new Map(Object.entries(acc)) };
};

test('standing: share of the other models beaten, ties half, null when not measured', () => {
  const acc = new Map([['a', 0.9], ['b', 0.5], ['c', 0.5], ['d', 0.1]]);
  assert.equal(standing(acc, 'a'), 1);
  assert.equal(standing(acc, 'b'), 0.5); // beats d, ties c: (1 + 0.5) / 3
  assert.equal(standing(acc, 'd'), 0);
  assert.equal(standing(acc, 'x'), null);
  assert.equal(standing(new Map([['a', 1]]), 'a'), null);
});

test('neighbourScores: the nearest tasks decide, weighted by similarity; excluded datasets and unmeasured models', () => {
  const tasks = [
    task('near/1', 'near', [1, 0], { a: 0.9, b: 0.2, c: 0.5 }),
    task('far/1', 'far', [0, 1], { a: 0.1, b: 0.9, c: 0.5 }),
    task('opposite/1', 'opp', [-1, 0], { a: 0.0, b: 1.0, c: 0.5 }),
  ];
  // k = 1: only the nearest task
  assert.deepEqual([...neighbourScores([1, 0], tasks, ['a', 'b', 'c'], { k: 1 })], [1, 0, 0.5]);
  // k = 3 along [1, 0.2]: near (cos .98) dominates far (cos .196); the opposite task has weight 0
  const s = neighbourScores([1, 0.2], tasks, ['a', 'b'], { k: 3 });
  const w1 = 1 / Math.hypot(1, 0.2), w2 = 0.2 / Math.hypot(1, 0.2);
  assert.ok(Math.abs(s[0] - (w1 * 1 + w2 * 0) / (w1 + w2)) < 1e-12);
  assert.ok(s[0] > 0.8 && s[1] < 0.2);
  // leaving the near dataset out flips the order
  const x = neighbourScores([1, 0.2], tasks, ['a', 'b'], { k: 1, excludeDatasets: new Set(['near']) });
  assert.deepEqual([...x], [0, 1]);
  // a model measured nowhere is NaN; all weights 0 falls back to the plain mean
  assert.ok(Number.isNaN(neighbourScores([1, 0], tasks, ['zz'])[0]));
  assert.deepEqual([...neighbourScores([0, -1], tasks.slice(0, 2), ['a'], { k: 2 })], [0.5]);
});

test('standings and the blend: raw scores to shares beaten; a model without measurements keeps the ranker standing', () => {
  assert.deepEqual([...standings([3, 1, 2, 2])], [1, 0, 0.5, 0.5]);
  assert.deepEqual([...standings([7])], [0.5]);
  assert.deepEqual([...blendWithMeasured([3, 1, 2], [0, NaN, 1])], [0.5, 0, 0.75]);
});

test('chooseNeighbourK: leave-one-dataset-out picks the k whose neighbours predict each task', () => {
  // three clusters of datasets: along x model a is best, along y model b, along x+y model c; the
  // clusters are close enough that averaging over every task muddles each one
  const tasks = [
    task('x1/t', 'x1', [1, 0.05], { a: 0.9, b: 0.1, c: 0.5 }),
    task('x2/t', 'x2', [1, 0.1], { a: 0.8, b: 0.2, c: 0.5 }),
    task('x3/t', 'x3', [1, 0.15], { a: 0.85, b: 0.15, c: 0.5 }),
    task('y1/t', 'y1', [0.05, 1], { a: 0.1, b: 0.9, c: 0.5 }),
    task('y2/t', 'y2', [0.1, 1], { a: 0.2, b: 0.8, c: 0.5 }),
    task('y3/t', 'y3', [0.15, 1], { a: 0.15, b: 0.85, c: 0.5 }),
    task('z1/t', 'z1', [1, 1], { a: 0.1, b: 0.2, c: 0.9 }),
    task('z2/t', 'z2', [1, 0.95], { a: 0.2, b: 0.1, c: 0.8 }),
  ];
  const r = chooseNeighbourK(tasks, [1, 2, 1000]);
  assert.equal(r.tried.length, 3);
  assert.equal(r.k, 2, JSON.stringify(r.tried));
  assert.ok(r.tried[1].tau > 0.9 && r.tried[2].tau < 0.5, JSON.stringify(r.tried));
  assert.equal(r.tried[0].tasks, 8);
});
