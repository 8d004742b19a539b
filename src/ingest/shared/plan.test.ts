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

test('one image per class is a labelled plan (ranking from centres) with a tiny-sample warning', () => {
  const p = planDataset([f('x/a/1.jpg'), f('x/b/1.jpg'), f('x/c/1.jpg')]);
  assert.equal(p.labelled, true);
  assert.deepEqual(p.classes.map((c) => [c.name, c.items.length]), [['a', 1], ['b', 1], ['c', 1]]);
  assert.match(p.notes.join(' '), /Tiny sample: every class has a single image/);
  assert.equal(p.skipped.length, 0);
});

test('nested folders: the rule is stated, and the other reading is offered when the tree is ambiguous', () => {
  const files = [f('p/dogs/beagle/2024/1.jpg'), f('p/dogs/beagle/2024/2.jpg'), f('p/dogs/pug/3.jpg'), f('p/cats/bengal/4.jpg'), f('p/cats/bengal/5.jpg')];
  const top = planDataset(files, {}, ['p', 'p/dogs', 'p/dogs/beagle', 'p/dogs/beagle/2024', 'p/dogs/pug', 'p/cats', 'p/cats/bengal', 'p/birds']);
  assert.deepEqual(top.classes.map((c) => [c.name, c.items.length]), [['cats', 2], ['dogs', 3]]);
  assert.equal(top.rule!.level, 'top');
  assert.match(top.rule!.text, /2 first-level folders under "p"; images in deeper folders count toward their first-level folder/);
  assert.deepEqual(top.rule!.alternative, { level: 'leaf', classes: 3, examples: ['cats/bengal', 'dogs/beagle/2024', 'dogs/pug'] });
  // the empty class folder is listed among the skipped items, not silently ignored
  assert.deepEqual(top.skipped.map((s) => [s.path, s.reason]), [['p/birds/', 'empty-folder']]);
  const leaf = planDataset(files, { classLevel: 'leaf' });
  assert.deepEqual(leaf.classes.map((c) => [c.name, c.items.length]), [['cats/bengal', 2], ['dogs/beagle/2024', 2], ['dogs/pug', 1]]);
  assert.deepEqual(leaf.rule!.alternative, { level: 'top', classes: 2, examples: ['cats', 'dogs'] });
});

test('a tree where both readings agree offers no alternative; a folder of non-images is reported once', () => {
  const p = planDataset([f('q/a/deep/1.jpg'), f('q/a/deep/2.jpg'), f('q/b/3.jpg'), f('q/notes/readme.txt'), f('q/notes/sub/x.csv')]);
  assert.equal(p.rule!.alternative, null);
  assert.match(p.rule!.text, /first-level folders/);
  const folderSkips = p.skipped.filter((s) => s.path.endsWith('/'));
  assert.deepEqual(folderSkips.map((s) => [s.path, s.reason]), [['q/notes/', 'no-images']]);
  const flat = planDataset([f('r/a/1.jpg'), f('r/b/2.jpg')]);
  assert.equal(flat.rule!.text, 'Classes are the 2 folders under "r".');
});

test('a file over the size limit is skipped unread, with its size and the limit', () => {
  const p = planDataset([f('s/a/1.jpg'), f('s/a/big.png', 65 << 20), f('s/b/2.jpg')]);
  const big = p.skipped.find((s) => s.path === 's/a/big.png')!;
  assert.equal(big.reason, 'too-large');
  assert.match(big.detail, /68\.2 MB, limit 67 MB/);
});

test('an image beside the class folders is outside any class, reported', () => {
  const p = planDataset([f('t/a/1.jpg'), f('t/b/2.jpg'), f('t/stray.jpg')]);
  assert.deepEqual(p.skipped.map((s) => [s.path, s.reason]), [['t/stray.jpg', 'outside-class']]);
});
