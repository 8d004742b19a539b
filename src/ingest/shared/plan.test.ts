import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planDataset, seededSample, IngestError, type FileRecord } from './plan.ts';

const f = (path: string, size = 100): FileRecord => ({ path, size });

test('subfolders are classes; non-images, hidden, empty files are skipped with reasons', () => {
  const p = planDataset([
    f('pets/cat/a.jpg'), f('pets/cat/b.JPG'), f('pets/dog/c.png'), f('pets/dog/d.webp'),
    f('pets/DATASET.md'), f('pets/files.csv'), f('pets/dog/.DS_Store'), f('pets/cat/zero.jpg', 0),
    f('pets/cat/nested/deeper/e.jpeg'),
  ]);
  assert.equal(p.labelled, true);
  assert.equal(p.root, 'pets');
  assert.deepEqual(p.classes.map((c) => [c.name, c.items.length]), [['cat', 3], ['dog', 2]]);
  const reasons = Object.fromEntries(p.skipped.map((s) => [s.path, s.reason]));
  assert.equal(reasons['pets/DATASET.md'], 'not-image');
  assert.equal(reasons['pets/files.csv'], 'not-image');
  assert.equal(reasons['pets/dog/.DS_Store'], 'hidden');
  assert.equal(reasons['pets/cat/zero.jpg'], 'empty');
});

test('a flat folder is unlabelled; a single class folder too, with a note', () => {
  const flat = planDataset([f('imgs/1.jpg'), f('imgs/2.jpg'), f('imgs/3.png')]);
  assert.equal(flat.labelled, false);
  assert.equal(flat.classes[0].items.length, 3);
  const one = planDataset([f('x/only/1.jpg'), f('x/only/2.jpg')]);
  assert.equal(one.labelled, false);
  assert.match(one.notes.join(' '), /only one class/i);
  assert.match(one.notes.join(' '), /"only"/);
  assert.match(flat.notes.join(' '), /unlabelled/);
});

test('classes with too few images are dropped and reported; odd names survive', () => {
  const p = planDataset(
    [f('d/a b#1/x %20.jpg'), f('d/a b#1/ü.jpg'), f('d/c/1.jpg'), f('d/c/2.jpg'), f('d/lonely/1.jpg')],
    { minPerClass: 2 },
  );
  assert.deepEqual(p.classes.map((c) => c.name), ['a b#1', 'c']);
  assert.equal(p.skipped.filter((s) => s.reason === 'class-too-small').length, 1);
  assert.match(p.notes.join(' '), /lonely/);
});

test('empty input and no images throw clear errors', () => {
  assert.throws(() => planDataset([]), (e: unknown) => e instanceof IngestError && e.code === 'empty');
  assert.throws(() => planDataset([f('a/readme.txt')]), (e: unknown) => e instanceof IngestError && /No images/.test(e.message));
});

test('thousands of files: seeded per-class sampling, reproducible and capped', () => {
  const files: FileRecord[] = [];
  for (let c = 0; c < 5; c++) for (let i = 0; i < 1000; i++) files.push(f(`big/c${c}/img_${String(i).padStart(4, '0')}.jpg`));
  const a = planDataset(files, { maxPerClass: 40, seed: 7 });
  const b = planDataset(files, { maxPerClass: 40, seed: 7 });
  const c = planDataset(files, { maxPerClass: 40, seed: 8 });
  assert.equal(a.totals.selected, 200);
  assert.deepEqual(a.classes.map((x) => x.items.map((i) => i.path)), b.classes.map((x) => x.items.map((i) => i.path)));
  assert.notDeepEqual(a.classes[0].items, c.classes[0].items);
  assert.equal(a.skipped.filter((s) => s.reason === 'sampled-out').length, 4800);
  assert.match(a.notes.join(' '), /seeded sample of 200/);
});

test('seededSample keeps input order and picks k distinct items', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i);
  const s = seededSample(xs, 10, 3);
  assert.equal(new Set(s).size, 10);
  assert.deepEqual(s, [...s].sort((a, b) => a - b));
});
