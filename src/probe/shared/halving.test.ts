import { test } from 'node:test';
import assert from 'node:assert/strict';
import { successiveHalving, type HalvingArm } from './halving.ts';

/** Arms whose validation score approaches `ceiling` as they train: score = ceiling * (1 - 1/(1 + t)). */
function arm(id: string, ceiling: number, log: string[]): HalvingArm & { trained: number } {
  return {
    id,
    trained: 0,
    train(b) {
      this.trained += b;
      log.push(`${id}+${b}`);
    },
    score() {
      return ceiling * (1 - 1 / (1 + this.trained));
    },
  };
}

test('successive halving keeps the best half each round and ranks all arms', async () => {
  const log: string[] = [];
  const arms = [arm('a', 0.5, log), arm('b', 0.9, log), arm('c', 0.7, log), arm('d', 0.6, log), arm('e', 0.8, log)];
  const res = await successiveHalving(arms, { minBudget: 1, eta: 2 });
  // 5 arms -> 3 -> 2 -> 1: budgets 1, 2, 4, 8.
  assert.deepEqual(res.rounds.map((r) => r.survivors), [['b', 'e', 'c'], ['b', 'e'], ['b'], []]);
  assert.deepEqual(res.rounds.map((r) => r.budget), [1, 2, 4, 8]);
  assert.deepEqual(res.ranking, ['b', 'e', 'c', 'd', 'a']);
  assert.equal(res.spent, 5 * 1 + 3 * 2 + 2 * 4 + 1 * 8);
  // Losers stop training as soon as they fall.
  assert.equal(arms[0].trained, 1);
  assert.equal(arms[2].trained, 3);
  assert.equal(arms[1].trained, 15);
});

test('successive halving: one arm, eta 3, and deterministic ties', async () => {
  const log: string[] = [];
  const one = await successiveHalving([arm('x', 1, log)], { minBudget: 2 });
  assert.deepEqual(one.ranking, ['x']);
  assert.equal(one.spent, 2);
  const tied = await successiveHalving([arm('p', 0.5, log), arm('q', 0.5, log), arm('r', 0.5, log)], { minBudget: 1, eta: 3 });
  assert.deepEqual(tied.ranking, ['p', 'q', 'r']);
  await assert.rejects(successiveHalving([], { minBudget: 1, eta: 1 }));
});
