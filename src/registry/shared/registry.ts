// The candidate registry: every model the page can recommend, whatever its source, in one format
// (docs/registry.md). The results table, the fine stage, the latency measurement, export/import and
// the model cards read entries of this shape; each source only has an adapter below. Pure: no DOM.
import type { ModelCost } from '../../hardware/shared/types.ts';

export const REGISTRY_FORMAT = 'zooscout.candidate';
/** Bump on any incompatible change of RegistryEntry (docs/registry.md). */
export const REGISTRY_VERSION = 1;

/**
 * real: an ImageNet-pretrained backbone (the ONNX encoders, the tfjs backbones of ../shared/models/real);
 * npm: a model shipped by an npm package; public: an ONNX Model Zoo / published-table model of the public
 * catalogue; user: an ONNX file the user added; zoo: trained here (a research instrument, off by default).
 */
export type CandidateKind = 'real' | 'npm' | 'public' | 'user' | 'zoo';
export const CANDIDATE_KINDS: readonly CandidateKind[] = ['real', 'npm', 'public', 'user', 'zoo'];

/** What the registry knows of a model's transfer, whatever the user's data: measured here (GT on the
 * zoo's tasks), published (results in a published table, on other datasets) or metadata only. */
export type EvidenceKind = 'measured' | 'published' | 'metadata';

export interface RegistryFile {
  /** where the page gets it: a same-origin path, a pinned public address, or null (the user's own file) */
  url: string | null;
  sha256: string;
  bytes: number | null;
}

/** Where a candidate's weights come from, as its source states it. */
export interface Provenance {
  /** the original public address (model card, package page or pinned file), or null (trained here, the user's file) */
  url: string | null;
  /** what the weights are and where they were taken from, in words */
  from: string;
  /** licence as stated by the source */
  licence: string;
  /** sha256 of the weights file this page uses (the package file for npm models), or null */
  sha256: string | null;
}

export interface RegistryEntry {
  /** unique across kinds: zoo ids, real:<id>, npm:<package>/<id>, public:<catalogue id>, user:<sha256> */
  id: string;
  kind: CandidateKind;
  label: string;
  family: string | null;
  params: number | null;
  macs: number | null;
  /** what the page loads for it */
  bytes: number | null;
  inputSize: number | null;
  /** pre-training / fine-tuning data ('pool' = the zoo's pre-training only), null when unknown */
  source: string | null;
  sourceDomain: string | null;
  /** the tensor, layer or node whose (pooled) output is the feature; null: chosen when run */
  featureNode: string | null;
  runtime: 'onnx' | 'tfjs';
  files: RegistryFile[];
  evidenceKind: EvidenceKind;
  provenance: Provenance;
  /** the check on the user's images can run it here (false: no weights reachable, e.g. no pinned file) */
  checkable: boolean;
  /** measured ImageNet top-1 where the source gives one (0..1) */
  imagenetTop1?: number | null;
}

/** A registry entry with what this device knows of its cost (measured here, else predicted). */
export interface CostedEntry extends RegistryEntry {
  cost: ModelCost | null;
}

export class Registry {
  private byId = new Map<string, RegistryEntry>();

  /** Adds or replaces entries (an id is one model: a second source for it replaces the first). */
  put(...entries: RegistryEntry[]): void {
    for (const e of entries) {
      if (!e.id.trim()) throw new Error('registry entry without an id');
      this.byId.set(e.id, e);
    }
  }

  get(id: string): RegistryEntry | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  delete(id: string): void {
    this.byId.delete(id);
  }

  /** every entry, in insertion order; `kinds` keeps only those */
  list(kinds?: readonly CandidateKind[]): RegistryEntry[] {
    const all = [...this.byId.values()];
    return kinds ? all.filter((e) => kinds.includes(e.kind)) : all;
  }

  get size(): number {
    return this.byId.size;
  }
}

// ------------------------------------------------------------------ adapters, one per source

export interface ZooSource {
  id: string; family: string; file: string; sha256: string; bytes: number; params: number; macs: number;
  source: string; sourceDomain: string | null; preprocess: { crop: number }; outputs: { features: string };
}

export function fromZoo(z: ZooSource, base = 'models/zoo/'): RegistryEntry {
  return {
    id: z.id, kind: 'zoo', label: z.id, family: z.family, params: z.params, macs: z.macs, bytes: z.bytes,
    inputSize: z.preprocess.crop, source: z.source, sourceDomain: z.sourceDomain, featureNode: z.outputs.features,
    runtime: 'onnx', files: [{ url: base + z.file, sha256: z.sha256, bytes: z.bytes }], evidenceKind: 'measured',
    provenance: { url: null, from: `trained by ZooScout (models/zoo, \`npm run zoo:train\`)${z.source && z.source !== 'pool' ? `, fine-tuned on ${z.source}` : ''}`, licence: 'this project’s', sha256: z.sha256 },
    checkable: true,
  };
}

export interface OnnxInfo { sha256: string; params: number | null; macs: number | null; inputSize: number | null; bytes: number }

/** An ONNX encoder served by this app, as a candidate (the first pinned address is the original public copy). */
export function fromEncoder(e: { id: string; name: string; file: string; urls: string[]; sha256?: string | null; licence?: string; embedding: { tensor?: string } }, info: OnnxInfo, base: string): RegistryEntry {
  return {
    id: `real:${e.id}`, kind: 'real', label: e.name, family: e.id.split(/[-.]/)[0], params: info.params, macs: info.macs, bytes: info.bytes,
    inputSize: info.inputSize, source: 'ImageNet-1k', sourceDomain: 'natural_images', featureNode: e.embedding.tensor ?? null,
    runtime: 'onnx', files: [{ url: base + e.file, sha256: e.sha256 ?? info.sha256, bytes: info.bytes }], evidenceKind: 'measured',
    provenance: { url: e.urls[0] ?? null, from: `${e.name}, ImageNet-1k classifier, pinned by sha256`, licence: e.licence ?? 'not stated', sha256: e.sha256 ?? info.sha256 },
    checkable: true,
  };
}

export interface TfjsSource {
  id: string; label: string; params: number; macs: number | null; bytes: number; inputSize: number; weightsSha256: string;
  featureNode: string | null; files: RegistryFile[];
}

/** A model of an npm package (tfjs), served by this app beside the page. */
export function fromNpm(c: TfjsSource & { package: string; version: string; packageVersion: string; licence: string; trainingData: string; sourceDomain: string }): RegistryEntry {
  return {
    id: c.id, kind: 'npm', label: `${c.label} (${c.packageVersion})`, family: null, params: c.params, macs: c.macs, bytes: c.bytes,
    inputSize: c.inputSize, source: c.trainingData, sourceDomain: c.sourceDomain, featureNode: c.featureNode, runtime: 'tfjs', files: c.files,
    evidenceKind: 'measured',
    provenance: { url: `https://www.npmjs.com/package/${c.package}/v/${c.version}`, from: `${c.label}, from the npm package ${c.packageVersion}`, licence: c.licence, sha256: c.weightsSha256 },
    checkable: true,
  };
}

/** A real tfjs backbone (../shared/models/real, pinned by sha256). */
export function fromRealTfjs(c: TfjsSource, b: { family: string; pretraining: string; top1Here: number; original: string; licence: string }): RegistryEntry {
  return {
    id: c.id, kind: 'real', label: c.label, family: b.family, params: c.params, macs: c.macs, bytes: c.bytes, inputSize: c.inputSize,
    source: b.pretraining, sourceDomain: 'natural_images', featureNode: c.featureNode, runtime: 'tfjs', files: c.files, evidenceKind: 'measured',
    provenance: { url: b.original, from: `${c.label}, ${b.pretraining} classifier (ImageNet top-1 ${(100 * b.top1Here).toFixed(1)} % on 128-px images here)`, licence: b.licence, sha256: c.weightsSha256 },
    checkable: true, imagenetTop1: b.top1Here,
  };
}

export interface PublicSource {
  id: string; name: string; family: string | null; params: number | null; gmacs: number | null; inputSize: number | null; imagenetTop1: number | null;
  evidence: 'published' | 'inferred'; tables: string[]; trainedOn: string | null;
  file: { url: string; sha256: string; bytes: number } | null;
}

/** A public catalogue model: ONNX Model Zoo exports pinned by the zoo's sha256, and models of published tables. */
export function fromPublic(m: PublicSource, licence: string | null): RegistryEntry {
  return {
    id: `public:${m.id}`, kind: 'public', label: m.name, family: m.family, params: m.params, macs: m.gmacs != null ? m.gmacs * 1e9 : null,
    bytes: m.file?.bytes ?? null, inputSize: m.inputSize, source: m.trainedOn, sourceDomain: null, featureNode: null, runtime: 'onnx',
    files: m.file ? [{ url: m.file.url, sha256: m.file.sha256, bytes: m.file.bytes }] : [],
    evidenceKind: m.evidence === 'published' ? 'published' : 'metadata',
    provenance: {
      url: m.file?.url ?? null,
      from: m.evidence === 'published' ? `${m.name}, with published transfer results (${m.tables.join(', ')})` : `${m.name}, public catalogue (metadata only)`,
      licence: licence ?? 'not stated', sha256: m.file?.sha256 ?? null,
    },
    checkable: !!m.file, imagenetTop1: m.imagenetTop1 != null ? m.imagenetTop1 / 100 : null,
  };
}

/** An ONNX file the user added (kept in this browser only). */
export function fromUser(name: string, info: OnnxInfo, id: string): RegistryEntry {
  return {
    id, kind: 'user', label: name, family: null, params: info.params, macs: info.macs, bytes: info.bytes, inputSize: info.inputSize,
    source: null, sourceDomain: null, featureNode: null, runtime: 'onnx', files: [{ url: null, sha256: info.sha256, bytes: info.bytes }],
    evidenceKind: 'metadata', provenance: { url: null, from: 'your ONNX file (never uploaded)', licence: 'yours', sha256: info.sha256 },
    checkable: true,
  };
}
