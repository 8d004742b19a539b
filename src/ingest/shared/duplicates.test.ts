import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findDuplicates } from './duplicates.ts';

test('exact duplicates within a class count once; the same image under two classes is a label conflict', () => {
  const rows = [
    { path: 'a/1.jpg', cls: 0, sha256: 'x' },
    { path: 'a/2.jpg', cls: 0, sha256: 'y' },
    { path: 'a/1 copy.jpg', cls: 0, sha256: 'x' },
    { path: 'a/1 copy 2.jpg', cls: 0, sha256: 'x' },
    { path: 'b/3.jpg', cls: 1, sha256: 'z' },
    { path: 'b/2.jpg', cls: 1, sha256: 'y' },
  ];
  const r = findDuplicates(rows, ['a', 'b']);
  assert.deepEqual(r.keep, [true, false, false, false, true, false]);
  assert.deepEqual(r.skipped.filter((s) => s.reason === 'duplicate').map((s) => s.path), ['a/1 copy.jpg', 'a/1 copy 2.jpg']);
  assert.deepEqual(r.skipped.filter((s) => s.reason === 'label-conflict').map((s) => s.path).sort(), ['a/2.jpg', 'b/2.jpg']);
  assert.match(r.skipped.find((s) => s.path === 'b/2.jpg')!.detail, /"a"/);
  assert.match(r.notes.join(' '), /2 exact duplicate/);
  assert.match(r.notes.join(' '), /1 image\(s\) appear under more than one class/);
  assert.deepEqual(findDuplicates([{ path: 'p', cls: 0, sha256: 'q' }]).skipped, []);
});
