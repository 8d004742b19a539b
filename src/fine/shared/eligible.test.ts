import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fineEligibility } from './eligible.ts';

test('one image per class: the check is blocked with the reason', () => {
  const e = fineEligibility([1, 1, 1], ['a', 'b', 'c']);
  assert.deepEqual(e.classes, []);
  assert.match(e.blocked, /at least 2 images in each of 2 classes.*every class has a single image/);
});

test('one class with enough images is still not a task', () => {
  const e = fineEligibility([5, 1], ['many', 'one']);
  assert.match(e.blocked, /only "many" has 2 or more/);
});

test('single-image classes are left out of the check, the rest runs', () => {
  const e = fineEligibility([4, 1, 2], ['a', 'lonely', 'c']);
  assert.equal(e.blocked, '');
  assert.deepEqual(e.classes, [0, 2]);
  assert.match(e.note, /left out of the check.*lonely/);
});
