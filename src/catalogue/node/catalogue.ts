// Builds data/public/catalogue.json: every model with published evidence in ../shared/gt, joined by
// name to the ONNX Model Zoo rows of ../shared/catalogue (pinned files), plus every pinned model with
// no evidence (marked `inferred`). Every value is traced to its file and line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readShared, modelId, SHARED_ROOT } from './evidence.ts';
import { canonicalDataset } from '../shared/datasets.ts';
import type { EvidenceRow } from '../shared/evidence.ts';
import {
  ONNX_ZOO_COMMIT, PUBLIC_CATALOGUE_FORMAT, PUBLIC_CATALOGUE_VERSION, familyOf,
  type PinnedFile, type PublicCatalogue, type PublicModel, type Traced,
} from '../shared/catalogue.ts';

const t = <T>(value: T, from: string): Traced<T> => ({ value, from });

/** `<rel>:<line>` of the first line of a ../shared text file containing `needle` (throws if absent) */
export function docLine(rel: string, needle: string, root = SHARED_ROOT): string {
  const lines = readFileSync(join(root, rel), 'utf8').split(/\r?\n/);
  const i = lines.findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${rel}: no line contains "${needle}"`);
  return `${rel}:${i + 1}`;
}

function blank(id: string, name: string): PublicModel {
  return { id, name, evidence: 'inferred', tables: [], family: null, params: null, gmacs: null, ops: null, inputSize: null,
    pretrain: null, sourceDataset: null, imagenetTop1: null, cpuSamplesPerSec: null, licence: null, files: [] };
}

export function buildCatalogue(evidence: EvidenceRow[], root = SHARED_ROOT): PublicCatalogue {
  const LIC_ONNX = docLine('catalogue/SOURCES.md', '(Apache-2.0)', root);
  // --- ONNX zoo rows grouped by model name
  const zoo = new Map<string, { row: Record<string, string>; src: string }[]>();
  for (const x of readShared('catalogue/onnx_zoo_computer_vision.csv', root)) {
    const k = `${x.row.author}:${x.row.model_name}`;
    if (!zoo.has(k)) zoo.set(k, []);
    zoo.get(k)!.push(x);
  }
  const validated = new Map<string, { row: Record<string, string>; src: string }[]>();
  for (const x of readShared('catalogue/onnx_zoo_validated.csv', root)) {
    if (!validated.has(x.row.model)) validated.set(x.row.model, []);
    validated.get(x.row.model)!.push(x);
  }
  // --- timm tables
  const top1 = new Map<string, { row: Record<string, string>; src: string }[]>();
  for (const x of readShared('gt/timm/results-imagenet.csv', root)) {
    const base = x.row.model.split('.')[0];
    if (!top1.has(base)) top1.set(base, []);
    top1.get(base)!.push(x);
  }
  const top1Exact = new Map(readShared('gt/timm/results-imagenet.csv', root).map((x) => [x.row.model, x]));
  const bench = new Map<string, { row: Record<string, string>; src: string }[]>();
  for (const x of readShared('gt/timm/benchmark-infer-fp32-nchw-pt240-cpu-i7_12700h-dynamo.csv', root)) {
    if (!bench.has(x.row.model)) bench.set(x.row.model, []);
    bench.get(x.row.model)!.push(x);
  }
  const meta = new Map(readShared('gt/timm/model_metadata-in1k.csv', root).map((x) => [x.row.model, x]));

  const zooFiles = (name: string): PinnedFile[] => (zoo.get(name) ?? []).map(({ row, src }) => ({
    path: row.onnx_path, url: `https://github.com/onnx/models/raw/${ONNX_ZOO_COMMIT}/${row.onnx_path}`,
    sha256: row.sha256, bytes: Number(row.bytes), opset: Number(row.opset) || null, variant: `opset ${row.opset}`, from: src,
  }));
  /** fills file, size and cost fields from the ONNX zoo row of `name` (and timm's tables) */
  const fillFromZoo = (m: PublicModel, arch: string, sameWeights: boolean) => {
    const key = zoo.has(`torch_hub:${arch}`) || !zoo.has(`timm:${arch}`) ? `torch_hub:${arch}` : `timm:${arch}`;
    fillFromZooKey(m, key, sameWeights);
  };
  const fillFromZooKey = (m: PublicModel, key: string, sameWeights: boolean) => {
    const rows = zoo.get(key);
    if (!rows) return;
    const name = rows[0].row.model_name;
    const { row, src } = rows[0];
    const note = sameWeights ? '' : ` (architecture ${name})`;
    m.family ??= t(row.class, src + note);
    m.params ??= t(Number(row.parameters), src + note);
    const dims = /x=\d+x\d+x(\d+)x(\d+)/.exec(row.input_dims) ?? /=\d+x\d+x(\d+)x(\d+)/.exec(row.input_dims);
    if (dims) m.inputSize ??= t(Number(dims[1]), src + note);
    const ops = row.ops.split(';').filter(Boolean);
    m.ops ??= t({ total: ops.reduce((s, o) => s + Number(o.split(':')[1] || 0), 0), byType: row.ops }, src + note);
    if (sameWeights) {
      m.files = zooFiles(key);
      m.licence ??= t('Apache-2.0 (licence of the onnx/models repository; the weights\' own terms are not in the stored sources)', LIC_ONNX);
    }
    // timm: the ONNX zoo's timm names are timm model names before the tag; torch_hub ones are torchvision's weights (timm tag tv_in1k)
    const size = m.inputSize?.value;
    let tr = top1Exact.get(`${name}.tv_in1k`);
    if (row.author === 'timm') {
      const cands = (top1.get(name) ?? []).filter((x) => Number(x.row.img_size) === size);
      tr = cands[0];
      if (tr && sameWeights) {
        m.imagenetTop1 ??= t(Number(tr.row.top1), `${tr.src} (best of ${cands.length} pretrained tags at ${size} px; the export's tag is not stored)`);
      }
    } else if (tr && sameWeights) m.imagenetTop1 ??= t(Number(tr.row.top1), `${tr.src} (torchvision weights = timm tag tv_in1k)`);
    if (tr && sameWeights) m.pretrain ??= t(tr.row.model.split('.')[1].split('_').pop()!, `${tr.src} (pretrained tag)`);
    const timmName = row.author === 'timm' ? name : tr?.row.model.split('.')[0];
    if (timmName) {
      const b = bench.get(timmName) ?? [];
      const br = b.find((x) => Number(x.row.infer_img_size) === size) ?? b[0];
      if (br) {
        m.gmacs ??= t(Number(br.row.infer_gmacs), `${br.src} (at ${br.row.infer_img_size} px)${note}`);
        if (sameWeights) m.cpuSamplesPerSec ??= t(Number(br.row.infer_samples_per_sec), `${br.src} (i7-12700H, batch 1, ${br.row.infer_img_size} px)`);
      }
      const md = meta.get(timmName);
      if (md && sameWeights && row.author === 'timm') m.pretrain = t(md.row.pretrain, md.src);
    }
  };

  const models = new Map<string, PublicModel>();
  const get = (id: string, name: string) => { if (!models.has(id)) models.set(id, blank(id, name)); return models.get(id)!; };
  for (const r of evidence) {
    if (r.metric.startsWith('score:')) continue;
    const m = get(r.model, r.model.split('/')[1]);
    m.evidence = 'published';
    if (!m.tables.includes(r.table)) m.tables.push(r.table);
  }
  const G = 'gt/SOURCES.md';
  const SRC_TV = docLine(G, '10 ImageNet-pretrained torchvision models', root);
  const SRC_SSL = docLine(G, '12 self-supervised ResNet-50s', root);
  const SRC_MS_FT = docLine(G, 'each an ImageNet model fine-tuned on the source dataset', root);
  const SRC_MS_LIC = docLine(G, 'zhangyikaii/Model-Spider @', root);
  const SRC_OC_LIC = docLine(G, 'mlfoundations/open_clip @', root);
  for (const m of models.values()) {
    const [kind, name] = m.id.split('/');
    if (kind === 'torchvision') {
      m.pretrain = t('imagenet-1k (supervised, torchvision weights)', SRC_TV);
      fillFromZoo(m, name, true);
      m.family ??= t(familyOf(name), `rule familyOf(name) on ${m.id}`);
    } else if (kind === 'ssl-resnet50') {
      m.family = t('resnet50', SRC_SSL);
      m.pretrain = t(`imagenet-1k images, self-supervised (${name})`, SRC_SSL);
      fillFromZoo(m, 'resnet50', false);
    }
  }
  for (const { row, src } of readShared('gt/model_spider/multi_source_models.csv', root)) {
    const m = models.get(modelId.msMulti(row.model));
    if (!m) continue;
    m.family = t(row.architecture, src);
    m.sourceDataset = t(canonicalDataset(row.source_dataset), src);
    m.pretrain = t(`imagenet-1k, then fine-tuned on ${row.source_dataset}`, `${src} + ${SRC_MS_FT}`);
    m.licence = t('MIT (licence of the Model-Spider repository)', SRC_MS_LIC);
    fillFromZoo(m, row.architecture, false);
  }
  for (const { row, src } of readShared('gt/parc/oracles.csv', root)) {
    const m = models.get(modelId.parc(row.architecture, row.source_dataset));
    if (!m || m.family) continue;
    m.family = t(row.architecture, src);
    m.sourceDataset = t(canonicalDataset(row.source_dataset), src);
    fillFromZoo(m, row.architecture, false);
  }
  for (const { row, src } of readShared('gt/openclip/models.csv', root)) {
    const m = models.get(modelId.openclip(row.model, row.pretrained));
    if (!m) continue;
    m.family = t(familyOf(row.model), `rule familyOf(name) on ${src}`);
    m.params = t(Number(row.params_m) * 1e6, src);
    m.gmacs = t(Number(row.gflops) / 2, `${src} (gflops / 2)`);
    m.pretrain = t(row.pretrained, src);
    m.licence = t('MIT (licence of the open_clip repository; checkpoints carry their own terms, not stored)', SRC_OC_LIC);
    const inet = readSharedCache(root).get(`${row.model}|${row.pretrained}`);
    if (inet) m.imagenetTop1 = t(inet.value, `${inet.src} (zero-shot, not fine-tuned)`);
  }
  // pinned models without evidence
  for (const [key, rows] of zoo) {
    const name = rows[0].row.model_name;
    if (models.has(modelId.torchvision(name)) && rows[0].row.author === 'torch_hub') continue;
    const m = get(`onnx-zoo/${rows[0].row.author}/${name}`, name);
    fillFromZooKey(m, key, true);
  }
  for (const [name, rows] of validated) {
    const m = get(`onnx-zoo-validated/${name}`, name);
    m.family = t(familyOf(name), `rule familyOf(name) on ${rows[0].src}`);
    const dims = /=\d+x\d+x(\d+)x(\d+)/.exec(rows[0].row.inputs);
    if (dims) m.inputSize = t(Number(dims[1]), rows[0].src);
    m.licence = t('Apache-2.0 (licence of the onnx/models repository; the weights\' own terms are not in the stored sources)', LIC_ONNX);
    m.files = rows.map(({ row, src }) => ({
      path: row.path, url: `https://github.com/onnx/models/raw/${ONNX_ZOO_COMMIT}/${row.path}`, sha256: row.sha256,
      bytes: Number(row.bytes), opset: Number(row.opset) || null, variant: row.path.split('/').pop()!, from: src,
    }));
  }
  const list = [...models.values()].sort((a, b) => (a.evidence === b.evidence ? a.id.localeCompare(b.id) : a.evidence === 'published' ? -1 : 1));
  return {
    format: PUBLIC_CATALOGUE_FORMAT, version: PUBLIC_CATALOGUE_VERSION,
    command: 'npm run public:build',
    sources: ['../shared/gt (SOURCES.md)', '../shared/catalogue (SOURCES.md)'],
    models: list,
  };
}

let inetCache: Map<string, { value: number; src: string }> | null = null;
function readSharedCache(root: string) {
  if (inetCache) return inetCache;
  inetCache = new Map();
  for (const { row, src } of readShared('gt/openclip/zeroshot.csv', root)) {
    if (row.dataset === 'ImageNet 1k') inetCache.set(`${row.model}|${row.pretrained}`, { value: Number(row.score) * 100, src });
  }
  return inetCache;
}
