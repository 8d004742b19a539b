import { test } from 'node:test';
import assert from 'node:assert/strict';
import { weightedTau, kendallTauB, spearman, top1Regret, topKHit, averageRanks } from './ranking.ts';

// Computed once with scipy 1.10.1 by tools/reference/ranking_reference.py (hard-coded here).
const REF: Record<string, Record<string, number[] | number>> = {"doc":{"x":[12.0,2.0,1.0,12.0,2.0],"y":[1.0,4.0,7.0,1.0,0.0],"rankTrue":-0.5669496815368272,"rankNone":-0.4157652301037516,"rankNoneYX":-0.7181341329699028,"rankFalse":-0.5160439794026185,"multiplicative":-0.4064485096624689,"unweighted":-0.47140452079103173,"kendallB":-0.4714045207910316,"spearman":-0.5407380704358752},"plain":{"x":[0.3,1.2,-0.5,2.2,0.9,1.7,-1.1],"y":[1.0,0.2,-0.3,2.5,1.1,0.4,-2.0],"rankTrue":0.67003367003367,"rankNone":0.67003367003367,"rankNoneYX":0.67003367003367,"rankFalse":0.520048974594429,"multiplicative":0.7121535181236673,"unweighted":0.619047619047619,"kendallB":0.6190476190476191,"spearman":0.7142857142857144},"ties":{"x":[1.0,2.0,3.0,4.0,5.0,6.0,7.0,8.0,9.0,10.0,11.0],"y":[3.0,3.0,1.0,2.0,2.0,5.0,5.0,5.0,0.0,3.0,1.0],"rankTrue":-0.09436948743191835,"rankNone":-0.26829181603125873,"rankNoneYX":0.07955284116742203,"rankFalse":-0.07183984432173104,"multiplicative":-0.3561095131643846,"unweighted":-0.05900529432364948,"kendallB":-0.059005294323649496,"spearman":-0.09770084209183945},"joint":{"x":[1.0,1.0,2.0,2.0,3.0,3.0,3.0,4.0,0.0,4.0],"y":[2.0,2.0,1.0,3.0,3.0,3.0,0.0,1.0,1.0,5.0],"rankTrue":0.4651942155509827,"rankNone":0.39397462265692484,"rankNoneYX":0.5364138084450406,"rankFalse":0.236986856908241,"multiplicative":0.4143348517840587,"unweighted":0.2597621667330655,"kendallB":0.25976216673306557,"spearman":0.25478223832249747},"random40":{"x":[5.0,3.0,4.0,5.0,3.0,4.0,5.0,1.0,0.0,1.0,1.0,5.0,5.0,0.0,2.0,4.0,0.0,4.0,0.0,2.0,4.0,1.0,2.0,1.0,4.0,1.0,5.0,2.0,2.0,3.0,3.0,3.0,3.0,5.0,4.0,4.0,4.0,3.0,2.0,5.0],"y":[1.0,3.0,1.0,6.0,3.0,4.0,-0.0,-0.0,-0.0,1.0,-2.0,4.0,3.0,-2.0,4.0,2.0,-0.0,6.0,-1.0,2.0,4.0,1.0,-0.0,1.0,7.0,-2.0,7.0,2.0,1.0,7.0,5.0,1.0,3.0,6.0,4.0,5.0,4.0,4.0,5.0,4.0],"rankTrue":0.560815831194867,"rankNone":0.5698072886348808,"rankNoneYX":0.5518243737548532,"rankFalse":0.32702509333970686,"multiplicative":0.4288874175267665,"unweighted":0.5182638729563407,"kendallB":0.5182638729563407,"spearman":0.6298384235735149}};

const close = (a: number, b: number, tol = 1e-12, msg = '') =>
  assert.ok(Math.abs(a - b) <= tol, `${msg}: ${a} vs ${b}`);

for (const [name, c] of Object.entries(REF)) {
  const x = c.x as number[];
  const y = c.y as number[];
  test(`weightedTau matches scipy on "${name}"`, () => {
    close(weightedTau(x, y), c.rankTrue as number, 1e-12, 'rank=True');
    close(weightedTau(x, y, { rank: null }), c.rankNone as number, 1e-12, 'rank=None');
    close(weightedTau(y, x, { rank: null }), c.rankNoneYX as number, 1e-12, 'rank=None (y,x)');
    close(weightedTau(x, y, { rank: false }), c.rankFalse as number, 1e-12, 'rank=False');
    close(weightedTau(x, y, { rank: null, additive: false }), c.multiplicative as number, 1e-12, 'multiplicative');
    close(weightedTau(x, y, { weigher: () => 1 }), c.unweighted as number, 1e-12, 'unweighted');
  });
  test(`kendallTauB and spearman match scipy on "${name}"`, () => {
    close(kendallTauB(x, y), c.kendallB as number, 1e-12, 'kendall');
    close(spearman(x, y), c.spearman as number, 1e-12, 'spearman');
  });
}

test('weightedTau: identical and reversed orders give +1 / -1; constant input gives NaN', () => {
  const a = [3, 1, 4, 1.5, 9, 2.6];
  assert.equal(weightedTau(a, a), 1);
  assert.equal(weightedTau(a, a.map((v) => -v), { rank: null }), -1);
  assert.ok(Number.isNaN(weightedTau(a, [1, 1, 1, 1, 1, 1])));
  assert.throws(() => weightedTau([1, 2], [1]));
});

test('weightedTau: a swap at the top costs more than a swap at the bottom', () => {
  const gt = [6, 5, 4, 3, 2, 1];
  const topSwap = [5, 6, 4, 3, 2, 1];
  const bottomSwap = [6, 5, 4, 3, 1, 2];
  assert.ok(weightedTau(gt, topSwap, { rank: null }) < weightedTau(gt, bottomSwap, { rank: null }));
  // ...while unweighted Kendall cannot tell them apart.
  assert.equal(kendallTauB(gt, topSwap), kendallTauB(gt, bottomSwap));
});

test('averageRanks gives tied values their mean rank', () => {
  assert.deepEqual(Array.from(averageRanks([10, 20, 10, 30])), [1.5, 3, 1.5, 4]);
});

test('top1Regret and topKHit', () => {
  const gt = [80, 90, 85, 70];
  assert.equal(top1Regret(gt, [0.1, 0.9, 0.5, 0.2]), 0);
  assert.equal(top1Regret(gt, [0.9, 0.1, 0.5, 0.2]), 10);
  // Tie for first place: pessimistic (worst GT among the tied).
  assert.equal(top1Regret(gt, [1, 1, 0, 1]), 20);
  assert.equal(topKHit(gt, [0.9, 0.1, 0.5, 0.2], 1), 0);
  assert.equal(topKHit(gt, [0.9, 0.1, 0.5, 0.2], 3), 0);
  assert.equal(topKHit(gt, [0.9, 0.1, 0.5, 0.2], 4), 1);
  assert.equal(topKHit(gt, [0.9, 0.3, 0.5, 0.2], 3), 1);
  // Tie at the cut: the GT-best model goes last among equals.
  assert.equal(topKHit(gt, [0.9, 0.5, 0.5, 0.2], 2), 0);
});
