import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTokens } from './tokens.ts';
import { clusterEmbeddings } from './cluster.ts';
import { assertSameEncoder, parseTokens, EncoderMismatchError } from './format.ts';
import { mulberry32, gaussian } from '../../shared/random.ts';

const enc = { id: 'test-enc', sha256: 'ab'.repeat(32), dim: 3 };

test('class centres, concentration and spread on a hand-made case', () => {
  // class 0: two orthogonal unit vectors; class 1: one vector twice
  const e = new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1]);
  const t = buildTokens({ encoder: enc, embeddings: e, labels: [0, 0, 1, 1], classNames: ['a', 'b'], labelled: true });
  assert.deepEqual(t.classes[0].centre, [0.5, 0.5, 0]);
  assert.equal(t.classes[0].concentration, Math.round(Math.SQRT1_2 * 1e6) / 1e6);
  assert.equal(t.classes[0].spread, 0.5); // each point at squared distance 0.5
  assert.deepEqual(t.classes[1].centre, [0, 0, 1]);
  assert.equal(t.classes[1].spread, 0);
  assert.equal(t.stats.meanCentreCosine, 0); // the two centres are orthogonal
  assert.equal(t.stats.images, 4);
});

test('tokens of one encoder are refused for another', () => {
  const t = buildTokens({ encoder: enc, embeddings: new Float32Array([1, 0, 0, 0, 1, 0]), labels: [0, 1], classNames: ['a', 'b'], labelled: true });
  assert.doesNotThrow(() => assertSameEncoder(t, enc));
  assert.throws(() => assertSameEncoder(t, { ...enc, id: 'other' }), EncoderMismatchError);
  assert.throws(() => assertSameEncoder(t, { ...enc, sha256: 'cd'.repeat(32) }), /cannot be mixed/);
  const back = parseTokens(JSON.parse(JSON.stringify(t)));
  assert.equal(back.classes.length, 2);
  assert.throws(() => parseTokens({ ...t, version: 99 }), /version 99/);
  assert.throws(() => parseTokens({ hello: 1 }), /not a ZooScout/);
});

test('k-means finds 3 planted clusters and the silhouette picks k = 3', () => {
  const d = 8, per = 40, rnd = mulberry32(1), g = gaussian(rnd);
  const data = new Float32Array(3 * per * d);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < per; i++) {
      const row = new Float64Array(d);
      row[c] = 1;
      for (let j = 0; j < d; j++) row[j] += 0.08 * g();
      const norm = Math.hypot(...row);
      for (let j = 0; j < d; j++) data[(c * per + i) * d + j] = row[j] / norm;
    }
  }
  const r = clusterEmbeddings(data, 3 * per, d, { seed: 0, maxK: 6 });
  assert.equal(r.k, 3);
  assert.ok(r.silhouette > 0.7, `silhouette ${r.silhouette}`);
  // every planted group lands in one cluster
  for (let c = 0; c < 3; c++) assert.equal(new Set(r.labels.slice(c * per, (c + 1) * per)).size, 1);
  const forced = clusterEmbeddings(data, 3 * per, d, { k: 5, seed: 0 });
  assert.equal(forced.k, 5);
});

test('sub-centres: 1..K per class, capped by the class size', () => {
  const e = new Float32Array([1, 0, 0, 0.9, 0.1, 0, 0, 1, 0, 0, 0.9, 0.1]);
  const t = buildTokens({ encoder: enc, embeddings: e, labels: [0, 0, 0, 1], classNames: ['a', 'b'], labelled: true, subCentres: 2 });
  assert.equal(t.classes[0].subCentres.length, 2);
  assert.equal(t.classes[1].subCentres.length, 1);
});
