import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copeland, borda } from './aggregate.ts';

test('copeland: Condorcet winner gets n-1 points, pairwise ties split', () => {
  // Items a, b, c. Voters: a>b>c, b>c>a, a>c>b  => a beats b (2:1), a beats c (2:1), b vs c 2:1 for b... check:
  // b>c in voters 1 and 2, c>b in voter 3 => b beats c.
  const v1 = [3, 2, 1];
  const v2 = [1, 3, 2];
  const v3 = [3, 1, 2];
  assert.deepEqual(Array.from(copeland([v1, v2, v3])), [2, 1, 0]);
  // Two voters in opposite orders: every pair is tied, half a point each.
  assert.deepEqual(Array.from(copeland([[1, 2, 3], [3, 2, 1]])), [1, 1, 1]);
  // A voter tie abstains: voter 2 ties a and b, so voter 1 decides.
  assert.deepEqual(Array.from(copeland([[2, 1], [5, 5]])), [1, 0]);
});

test('copeland differs from borda on a cycle-free but lopsided profile', () => {
  // a is first for 2 voters of 3 but last for the third; b is always second.
  const voters = [
    [3, 2, 1, 0],
    [3, 2, 1, 0],
    [0, 3, 2, 1],
  ];
  assert.deepEqual(Array.from(copeland(voters)), [3, 2, 1, 0]);
  // Borda: a = 3+3+0 = 6, b = 2+2+3 = 7, c = 1+1+2 = 4, d = 0+0+1 = 1.
  assert.deepEqual(Array.from(borda(voters)), [6, 7, 4, 1]);
});

test('borda: ties give the average position, weights scale voters', () => {
  assert.deepEqual(Array.from(borda([[1, 1, 0]])), [1.5, 1.5, 0]);
  assert.deepEqual(Array.from(borda([[2, 1, 0], [0, 1, 2]], [2, 1])), [4, 3, 2]);
  assert.throws(() => borda([[1, 2], [1]]));
});

test('rerankTopK: the top k of the base order re-ordered by the second score, the rest untouched', async () => {
  const { rerankTopK } = await import('./aggregate.ts');
  // base order: 2, 0, 3, 1; top 2 (2, 0) re-ordered by the second score: 0 before 2
  const s = rerankTopK([0.9, 0.1, 1.0, 0.5], [5, 9, 1, 0], 2);
  const order = [0, 1, 2, 3].sort((a, b) => s[b] - s[a]);
  assert.deepEqual(order, [0, 2, 3, 1]);
  assert.deepEqual(Array.from(rerankTopK([3, 2, 1], [0, 0, 9], 0)), [3, 2, 1]);
});
