// The pinned public addresses of the real tfjs backbones' files, derived from
// ../shared/models/real: PROVENANCE.md's "Models kept" table (source repo @ commit : path per file
// role; the shards and the model.json may come from different repositories) and each folder's
// sha256sums and file sizes. Written to src/realzoo/shared/real-pins.gen.ts by `npm run
// real-models:page` (or `-- --pins-only`); src/realzoo/pins.test.ts re-derives and compares.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REAL_BACKBONES } from '../shared/backbones.ts';
import { jsdelivrUrl, rawGithubUrl, type RealPinnedFile, type RealPinnedModel } from '../shared/pins.ts';
import { REAL_SHARED } from './files.ts';

export const REAL_PINS_TS = resolve('src/realzoo/shared/real-pins.gen.ts');

/** one `repo @ commit : path` of the source column; role says which files it gives */
export interface ProvenanceSource { role: 'all' | 'shards' | 'model.json'; repo: string; commit: string; path: string }
export interface ProvenanceRow { folder: string; bytes: number; files: number; modelJsonSha256: string; sources: ProvenanceSource[] }

const SOURCE = /^(?:(shards|model\.json):\s*)?([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)\s*@\s*([0-9a-f]{40})\s*:\s*`([^`]+)`/;

/** The "Models kept" table of PROVENANCE.md, one row per folder. */
export function parseProvenance(md: string): ProvenanceRow[] {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => /^## Models kept\s*$/.test(l));
  if (start < 0) throw new Error('PROVENANCE.md: no "## Models kept" section');
  const first = lines.findIndex((l, i) => i > start && l.startsWith('|'));
  const end = lines.findIndex((l, i) => i > first && !l.startsWith('|'));
  const table = lines.slice(first, end < 0 ? undefined : end);
  const cells = (l: string) => l.split('|').slice(1, -1).map((c) => c.trim());
  const head = cells(table[0]);
  const col = (name: string) => {
    const i = head.indexOf(name);
    if (i < 0) throw new Error(`PROVENANCE.md: no column "${name}"`);
    return i;
  };
  const cId = col('id'), cBytes = col('bytes (all files)'), cFiles = col('files'), cSource = col('source repo @ commit : path'), cSha = col('model.json sha256');
  return table.slice(2).map((l) => {
    const c = cells(l);
    const folder = c[cId].replace(/`/g, '');
    const sources = c[cSource].split(';').map((p) => p.trim()).filter(Boolean).map((p) => {
      const m = SOURCE.exec(p);
      if (!m) throw new Error(`PROVENANCE.md ${folder}: cannot read the source "${p}"`);
      return { role: (m[1] ?? 'all') as ProvenanceSource['role'], repo: m[2], commit: m[3], path: m[4] };
    });
    const sha = /^[0-9a-f]{64}/.exec(c[cSha]);
    if (!sha) throw new Error(`PROVENANCE.md ${folder}: no model.json sha256`);
    return { folder, bytes: Number(c[cBytes].replace(/,/g, '')), files: parseInt(c[cFiles], 10), modelJsonSha256: sha[0], sources };
  });
}

/** The repository path of one file of a folder: the source whose role covers it, its path a folder, a glob or the file. */
export function sourcePath(row: ProvenanceRow, name: string): ProvenanceSource & { file: string } {
  const role = name === 'model.json' ? 'model.json' : 'shards';
  const hits = row.sources.filter((s) => s.role === 'all' || s.role === role);
  if (hits.length !== 1) throw new Error(`${row.folder}/${name}: ${hits.length} sources in PROVENANCE.md cover it`);
  const s = hits[0];
  const slash = s.path.lastIndexOf('/');
  const dir = s.path.slice(0, slash + 1), base = s.path.slice(slash + 1);
  let file: string;
  if (base === '') file = dir + name;
  else if (base.includes('*')) {
    const glob = new RegExp('^' + base.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*') + '$');
    if (!glob.test(name)) throw new Error(`${row.folder}/${name}: not matched by ${s.path}`);
    file = dir + name;
  } else {
    if (base !== name) throw new Error(`${row.folder}/${name}: the source path ${s.path} names another file`);
    file = s.path;
  }
  return { ...s, file };
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Every tfjs backbone's files with their pinned addresses, checked against sha256sums, PROVENANCE.md's totals and the registry. */
export function deriveRealPins(root = REAL_SHARED): RealPinnedModel[] {
  const rows = parseProvenance(readFileSync(join(root, 'PROVENANCE.md'), 'utf8'));
  return REAL_BACKBONES.filter((b) => b.format !== 'onnx-encoder').map((b) => {
    const row = rows.find((r) => r.folder === b.source);
    if (!row) throw new Error(`${b.id}: folder ${b.source} is not in PROVENANCE.md`);
    const dir = join(root, b.source);
    const sums = new Map(readFileSync(join(dir, 'sha256sums'), 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/)).map(([h, f]) => [f.replace(/^\*/, ''), h] as const));
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
    const names = ['model.json', ...json.weightsManifest.flatMap((g) => g.paths)];
    if (names.length !== sums.size || names.some((n) => !sums.has(n))) throw new Error(`${b.id}: sha256sums does not list exactly model.json and the manifest's shards`);
    const files: RealPinnedFile[] = names.map((name) => {
      const bytes = new Uint8Array(readFileSync(join(dir, name)));
      const h = sums.get(name)!;
      if (sha256(bytes) !== h) throw new Error(`${b.id}: ${name} is not the file sha256sums lists`);
      const s = sourcePath(row, name);
      return { name, bytes: bytes.byteLength, sha256: h, url: rawGithubUrl(s.repo, s.commit, s.file), mirror: jsdelivrUrl(s.repo, s.commit, s.file) };
    });
    const total = files.reduce((a, f) => a + f.bytes, 0);
    if (files.length !== row.files || total !== row.bytes) throw new Error(`${b.id}: ${files.length} files, ${total} bytes; PROVENANCE.md says ${row.files}, ${row.bytes}`);
    if (files[0].sha256 !== row.modelJsonSha256 || files[0].sha256 !== b.sha256) throw new Error(`${b.id}: model.json sha256 differs from PROVENANCE.md or the registry`);
    if (total !== b.bytes) throw new Error(`${b.id}: ${total} bytes, the registry says ${b.bytes}`);
    return { id: b.id, folder: b.source, format: b.format as RealPinnedModel['format'], bytes: total, files };
  });
}

/** the generated module's text */
export function realPinsTs(pins: RealPinnedModel[]): string {
  return [
    '// GENERATED by `npm run real-models:page` (src/realzoo/node/pins.ts) from ../shared/models/real',
    '// (PROVENANCE.md + sha256sums): do not edit. Types: src/realzoo/shared/pins.ts.',
    "import type { RealPinnedModel } from './pins.ts';",
    '',
    'export const REAL_PINS: RealPinnedModel[] = [',
    ...pins.flatMap((m) => [
      `  { id: ${JSON.stringify(m.id)}, folder: ${JSON.stringify(m.folder)}, format: ${JSON.stringify(m.format)}, bytes: ${m.bytes}, files: [`,
      ...m.files.map((f) => `    ${JSON.stringify(f)},`),
      '  ] },',
    ]),
    '];',
    '',
  ].join('\n');
}

export function writeRealPins(root = REAL_SHARED): RealPinnedModel[] {
  const pins = deriveRealPins(root);
  writeFileSync(REAL_PINS_TS, realPinsTs(pins));
  console.log(`real tfjs backbones: pinned addresses of ${pins.reduce((a, m) => a + m.files.length, 0)} files -> ${REAL_PINS_TS}`);
  return pins;
}
