// The page artifact of the public catalogue (format `zooscout.public-ranker`, version 1; docs/public.md
// "In the page"): the ridge ranker fitted on every published table, the source-token centres it needs
// (a separate gzip file, lossless), and per catalogue model only what the page shows. Written by
// `npm run public:page` (tools/catalogue/page.ts); read by the page (`<zs-public-models>`) and by the
// Node test that checks it scores exactly as a freshly fitted ranker. Pure: no DOM, no node:*.
import { familyOf, type EvidenceKind, type PinnedFile } from './catalogue.ts';
import { RidgeRanker, type ModelInfo, type RankerContext, type SerialisedRidge } from './ranker.ts';
import { summariseTokens, type TokenSummary } from './token-features.ts';
import { assertSameEncoder, type DatasetTokens, type EncoderRef } from '../../tokens/shared/format.ts';
import { ENCODERS, type Preprocess } from '../../encode/shared/manifest.ts';
import { readGraph, graphCost } from '../../hardware/shared/onnx.ts';
import { GENERIC_STRUCTURE, FAMILY_STRUCTURE, structureOf, type ModelDescription, type Structure } from '../../hardware/shared/cost-model.ts';

export const PUBLIC_PAGE_FORMAT = 'zooscout.public-ranker';
export const PUBLIC_PAGE_VERSION = 1;
/** paths relative to the app's base URL */
export const PUBLIC_PAGE_PATH = 'models/public/public-ranker.json';

/** What the page shows of one catalogue model (and what scoring reads). */
export interface PageModel {
  id: string;
  name: string;
  /** the catalogue's family value (display); the ranker's key is familyOf(family ?? name) */
  family: string | null;
  /** null: the catalogue has no parameter count (the ONNX Model Zoo's validated models) */
  params: number | null;
  gmacs: number | null;
  /** operator count of the ONNX export */
  ops: number | null;
  inputSize: number | null;
  imagenetTop1: number | null;
  /** published: transfer results in a published table; inferred: metadata only */
  evidence: EvidenceKind;
  /** published ranking tables holding its results */
  tables: string[];
  /** canonical dataset whose source token stands for its training data (null: none known) */
  source: string | null;
  /** pre-training / fine-tuning data as the catalogue says it (display) */
  trainedOn: string | null;
  /** index into PublicPageArtifact.licences */
  licence: number | null;
  /** the smallest pinned file, or null: no pinned weights */
  file: { path: string; url: string; sha256: string; bytes: number; opset: number | null } | null;
}

export interface SourceTokenMeta {
  name: string;
  classes: number;
  meanCentreCosine: number;
  meanSpread: number;
}

export interface PublicPageArtifact {
  format: typeof PUBLIC_PAGE_FORMAT;
  version: typeof PUBLIC_PAGE_VERSION;
  command: string;
  /** what the ranker was fitted on */
  fittedOn: { tables: string[]; pairs: number; blocks: string };
  /** the encoder of every token: a user token from another encoder is refused */
  encoder: EncoderRef;
  ranker: SerialisedRidge;
  /**
   * The source tokens' class centres, lossless: value = int32 / 1e6 (token files round to 6 decimals);
   * int32 little-endian, sources in `sources` order, classes row-major [classes, dim]; the bytes are
   * shuffled into 4 planes (all first bytes, then all second bytes, ...) and gzip-compressed.
   */
  tokens: { file: string; bytes: number; sha256: string; encoding: 'int32-micro-shuffled-gzip'; dim: number };
  sources: SourceTokenMeta[];
  licences: string[];
  models: PageModel[];
}

/**
 * The file as written: the same, with the models as rows under `columns` (keys once) and a file as
 * [path, sha256, bytes, opset] whose url is `fileUrlBase + path` (the pinned ONNX Model Zoo commit).
 */
export type PublicPageFile = Omit<PublicPageArtifact, 'models'> & { fileUrlBase: string; columns: (keyof PageModel)[]; rows: unknown[][] };

export function toPublicPageFile(a: PublicPageArtifact, fileUrlBase: string): PublicPageFile {
  const { models, ...rest } = a;
  const columns = Object.keys(models[0]) as (keyof PageModel)[];
  const rows = models.map((m) => columns.map((k) => {
    if (k !== 'file') return m[k];
    const f = m.file;
    if (!f) return null;
    if (f.url !== fileUrlBase + f.path) throw new Error(`${m.id}: url ${f.url} is not ${fileUrlBase}<path>`);
    return [f.path, f.sha256, f.bytes, f.opset];
  }));
  return { ...rest, fileUrlBase, columns, rows };
}

export function parsePublicPage(json: unknown): PublicPageArtifact {
  const a = json as PublicPageFile;
  if (!a || a.format !== PUBLIC_PAGE_FORMAT) throw new Error('not a ZooScout public-ranker file');
  if (a.version !== PUBLIC_PAGE_VERSION) throw new Error(`public-ranker file version ${a.version}; this page reads ${PUBLIC_PAGE_VERSION}`);
  const { rows, columns, fileUrlBase, ...rest } = a;
  const models = rows.map((r) => {
    const m = Object.fromEntries(columns.map((k, i) => [k, r[i]])) as unknown as PageModel;
    const f = m.file as unknown as [string, string, number, number | null] | null;
    m.file = f ? { path: f[0], url: fileUrlBase + f[0], sha256: f[1], bytes: f[2], opset: f[3] } : null;
    return m;
  });
  return { ...rest, models };
}

// ---------------------------------------------------------------- source tokens (lossless packing)

/** Token centres (6-decimal values) -> int32 micro-units, byte-shuffled (the caller gzips). */
export function packCentres(tokens: DatasetTokens[]): Uint8Array {
  const vals: number[] = [];
  for (const t of tokens) for (const c of t.classes) for (const v of c.centre) {
    const q = Math.round(v * 1e6);
    if (q / 1e6 !== v) throw new Error(`token value ${v} has more than 6 decimals: packing would not be lossless`);
    vals.push(q);
  }
  const n = vals.length;
  const out = new Uint8Array(4 * n);
  for (let i = 0; i < n; i++) {
    const u = vals[i] >>> 0;
    out[i] = u & 255; out[n + i] = (u >>> 8) & 255; out[2 * n + i] = (u >>> 16) & 255; out[3 * n + i] = u >>> 24;
  }
  return out;
}

/** Inverse of packCentres (after gunzip): the summaries the ranker reads, as summariseTokens makes them. */
export function unpackSources(a: Pick<PublicPageArtifact, 'sources' | 'tokens'>, shuffled: Uint8Array): Map<string, TokenSummary> {
  const d = a.tokens.dim;
  const n = a.sources.reduce((s, x) => s + x.classes * d, 0);
  if (shuffled.length !== 4 * n) throw new Error(`source tokens: ${shuffled.length} bytes, expected ${4 * n}`);
  const out = new Map<string, TokenSummary>();
  let at = 0;
  for (const s of a.sources) {
    const classes = Array.from({ length: s.classes }, () => {
      const centre = new Array<number>(d);
      for (let j = 0; j < d; j++, at++) {
        const q = (shuffled[at] | (shuffled[n + at] << 8) | (shuffled[2 * n + at] << 16) | (shuffled[3 * n + at] << 24)) | 0;
        centre[j] = q / 1e6; // the nearest double to the 6-decimal value, as JSON.parse gives
      }
      return { name: '', count: 0, centre, concentration: 0, spread: 0, subCentres: [] };
    });
    const tok = { encoder: { id: '', sha256: '', dim: d }, classes, stats: { images: 0, meanCentreCosine: s.meanCentreCosine, meanSpread: s.meanSpread } } as unknown as DatasetTokens;
    out.set(s.name, summariseTokens(tok, s.name));
  }
  return out;
}

// ---------------------------------------------------------------- scoring

export function modelInfoOf(m: PageModel): ModelInfo {
  return { id: m.id, family: familyOf(m.family ?? m.name), logParams: m.params ? Math.log10(m.params) : null, imagenetTop1: m.imagenetTop1, source: m.source };
}

/** The pinned file of a model as pinned.ts takes it. */
export function pinnedFileOf(m: PageModel): PinnedFile | null {
  if (!m.file) return null;
  return { ...m.file, variant: m.file.opset ? `opset ${m.file.opset}` : '', from: `public-ranker.json: ${m.id}` };
}

let userTargets = 0;

/** The artifact ready to score: ranker, context (models + source tokens). */
export class PublicPageRanker {
  readonly ranker: RidgeRanker;
  readonly ctx: RankerContext;
  readonly ids: string[];
  constructor(readonly artifact: PublicPageArtifact, sourceTokens: Map<string, TokenSummary>) {
    this.ranker = RidgeRanker.deserialise(artifact.ranker);
    this.ctx = { models: new Map(artifact.models.map((m) => [m.id, modelInfoOf(m)])), targetTokens: new Map(), sourceTokens };
    this.ids = artifact.models.map((m) => m.id);
  }

  /** One score per artifact model (artifact order), higher = better, for the user's tokens. */
  score(tokens: DatasetTokens): Float64Array {
    assertSameEncoder(tokens, this.artifact.encoder);
    // a fresh target name per call: the ranker caches token similarities by name
    const target = `user-tokens-${++userTargets}`;
    this.ctx.targetTokens.set(target, summariseTokens(tokens, target));
    try {
      return this.ranker.score(this.ids, target, this.ctx);
    } finally {
      this.ctx.targetTokens.delete(target);
    }
  }
}

// ---------------------------------------------------------------- running a pinned file here

/** What the fine stage and the latency measurement need to know of an ONNX classifier file. */
export interface RunInfo {
  inputName: string;
  /** per-sample input dims [3, H, W] */
  inputDims: number[];
  /** the graph output with the source head's logits (last dim 1000 or 1001), or null */
  logitsOutput: string | null;
  /** ImageNet preprocessing (the page encoder's, an ONNX Model Zoo classifier's) at the input's size */
  preprocess: Preprocess;
  /** the file's own graph: MACs, nodes, activations at that input size */
  structure: Structure;
  macs: number;
}

/** Reads the graph of a verified file: input, logits output, preprocessing; throws a readable error. */
export function runInfoOf(bytes: Uint8Array, inputSizeHint: number | null): RunInfo {
  const g = readGraph(bytes);
  const input = g.inputs[0];
  if (!input) throw new Error('the graph has no input');
  if (g.inputs.length > 1) throw new Error(`the graph has ${g.inputs.length} inputs (${g.inputs.map((i) => i.name).join(', ')}); an image classifier has one`);
  const d = input.dims;
  if (d.length !== 4 || (d[1] !== 3 && d[1] !== -1)) throw new Error(`input "${input.name}" has dims [${d.join(', ')}]; the page feeds [batch, 3, H, W] images`);
  if (input.elemType && input.elemType !== 1 && input.elemType !== 10) throw new Error(`input "${input.name}" is not float32 or float16 (ONNX type ${input.elemType}); the page feeds float images`);
  const side = d[2] > 0 ? d[2] : d[3] > 0 ? d[3] : inputSizeHint ?? 224;
  const base = ENCODERS.find((e) => e.id === 'mobilenetv2-12-int8')!.preprocess;
  const preprocess: Preprocess = { ...base, crop: side, resize: side >= 64 ? Math.round((side * 256) / 224) : side, inputDtype: input.elemType === 10 ? 'float16' : 'float32' };
  const logits = (g.outputInfo ?? []).find((o) => o.dims.length >= 1 && (o.dims.at(-1) === 1000 || o.dims.at(-1) === 1001));
  const inputDims = [3, side, side];
  const cost = graphCost(g, inputDims);
  return { inputName: input.name, inputDims, logitsOutput: logits?.name ?? null, preprocess, structure: structureOf(cost), macs: cost.totalMacs };
}

/**
 * The cost model's description of a catalogue model before any byte of it is here: MACs (GMACs at its
 * input size), parameters, file size and its operator count as the node count; the MAC mix from the
 * zoo's family table where the family is one of them, else all dense. Null without GMACs.
 */
export function costDescription(m: PageModel): ModelDescription | null {
  if (m.gmacs == null || m.params == null) return null;
  const fam = /^mobilenetv2|^mobilenet_v2/i.test(m.name) ? 'mobilenetv2' : familyOf(m.family ?? m.name);
  const base = fam === 'resnet' || fam === 'vgg' || fam === 'mobilenetv2' ? FAMILY_STRUCTURE[fam] : GENERIC_STRUCTURE;
  return {
    id: m.id, family: fam, macs: m.gmacs * 1e9, params: m.params, bytes: m.file?.bytes ?? 4 * m.params,
    structure: { ...base, nodes: m.ops ?? base.nodes },
  };
}
