// Zoo catalogue integrity and ground-truth table shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../shared/csv.ts';
import { ZOO_DIR, checkEntry, loadCatalogue } from './node/catalogue.ts';
import { RESERVED_FAMILIES, ZOO_FAMILIES, isBlind } from './shared/catalogue.ts';
import { makeTasks, resolveTask } from './shared/tasks.ts';
import { parseGtCsv } from './shared/gt-format.ts';
import { GT_CV } from '../probe/shared/cv.ts';
import { zooTargetSplit } from './shared/split.ts';
import { SCORE_NAMES } from '../transfer/shared/scores.ts';

const GT_DIR = 'data/zoo-gt';

test('catalogue: every file present, sha256 and size match, metadata complete', () => {
  const cat = loadCatalogue();
  assert.ok(cat.models.length >= 40, `${cat.models.length} models`);
  const errs = cat.models.flatMap((m) => checkEntry(ZOO_DIR, m));
  assert.deepEqual(errs, []);
  const ids = new Set(cat.models.map((m) => m.id));
  assert.equal(ids.size, cat.models.length, 'ids unique');
  for (const m of cat.models) {
    assert.equal(m.split, isBlind(m.family, m.source) ? 'blind' : 'train', m.id);
    assert.ok(statSync(join(ZOO_DIR, m.file)).size < 5e6, `${m.file} < 5 MB`);
    assert.deepEqual(m.input.shape.slice(1), [3, m.preprocess.crop, m.preprocess.crop]);
    assert.equal(m.runtimes.webgpu, 'tested');
  }
  const total = cat.models.reduce((a, m) => a + m.bytes, 0);
  assert.ok(total < 60e6, `zoo total ${total} bytes`);
});

test('catalogue: >= 4 families x >= 10 source datasets, one reserved family, reserved sources', () => {
  const cat = loadCatalogue();
  const fams = new Set(cat.models.map((m) => m.family));
  assert.ok(fams.size >= 4);
  for (const f of fams) assert.ok(ZOO_FAMILIES.includes(f));
  for (const f of fams) {
    const sources = new Set(cat.models.filter((m) => m.family === f && m.source !== 'pool').map((m) => m.source));
    assert.ok(sources.size >= 10, `${f}: ${sources.size} sources`);
    assert.ok(cat.models.some((m) => m.family === f && m.source === 'pool'), `${f}: pool model`);
  }
  assert.ok(RESERVED_FAMILIES.every((f) => fams.has(f)));
  assert.ok(cat.models.every((m) => !RESERVED_FAMILIES.includes(m.family) || m.split === 'blind'));
  assert.ok(cat.reservedSources.length >= 1);
  const domains = new Set(cat.models.map((m) => m.sourceDomain));
  assert.ok(domains.size >= 8, `${domains.size} source domains`);
});

test('tasks: seeded and deterministic; zoo/target split disjoint', () => {
  const ds = [{ name: 'x', classes: Array.from({ length: 30 }, (_, i) => `c${i}`), counts: Array(30).fill(20) }];
  assert.deepEqual(makeTasks(ds, 1), makeTasks(ds, 1));
  assert.notDeepEqual(makeTasks(ds, 1), makeTasks(ds, 2));
  const labels = Int32Array.from({ length: 600 }, (_, i) => i % 30);
  const part = zooTargetSplit(labels, 0.5, 3);
  assert.equal(part.reduce((a, b) => a + b, 0), 300);
  const eligible = part.map((p) => 1 - p);
  for (const t of makeTasks(ds, 1)) {
    const r = resolveTask(t, ds[0].classes, labels, eligible);
    for (const i of r.ids) assert.equal(part[i], 0, 'task image never trained on');
    assert.ok(r.ids.length > 0);
  }
});

test('GT table (format v2): one cell per (model, task) with its repeats; scores on the same folds beside it', { skip: !existsSync(join(GT_DIR, 'gt.csv')) }, () => {
  const cat = loadCatalogue();
  const meta = JSON.parse(readFileSync(join(GT_DIR, 'gt-meta.json'), 'utf8'));
  assert.equal(meta.version, 2);
  assert.deepEqual({ folds: meta.protocol.folds, repeats: meta.protocol.repeats, probe: meta.protocol.probe, lambda: meta.protocol.lambda }, { folds: GT_CV.folds, repeats: GT_CV.repeats, probe: GT_CV.probe, lambda: GT_CV.lambda });
  const tasks = JSON.parse(readFileSync(join(GT_DIR, 'tasks.json'), 'utf8')).tasks as { id: string }[];
  const cells = parseGtCsv(readFileSync(join(GT_DIR, 'gt.csv'), 'utf8'), readFileSync(join(GT_DIR, 'scores.csv'), 'utf8'));
  const models = new Set(cells.map((r) => r.model));
  const taskIds = new Set(cells.map((r) => r.task));
  assert.equal(cells.length, models.size * taskIds.size, 'complete grid');
  assert.ok(taskIds.size === tasks.length && models.size === cat.models.length, `${models.size} models x ${taskIds.size} tasks`);
  for (const c of cells) {
    assert.ok(c.accuracy >= 0 && c.accuracy <= 1);
    assert.equal(c.repeats.length, GT_CV.repeats);
    assert.ok(Math.abs(c.repeats.reduce((a, b) => a + b, 0) / c.repeats.length - c.accuracy) < 1e-5, 'the GT is the mean of its repeats');
    for (const n of SCORE_NAMES) assert.ok(Number.isFinite(c.scores?.[n]), `${c.model} ${c.task} ${n}`);
  }
});
