// The public-model catalogue (format `zooscout.public-catalogue`, version 1; docs/public.md).
// Every field value carries `from`: the ../shared file and line it was read from (or the rule that
// derived it from such a value). Nothing is typed in by hand.

export const PUBLIC_CATALOGUE_FORMAT = 'zooscout.public-catalogue';
export const PUBLIC_CATALOGUE_VERSION = 1;
export const ONNX_ZOO_COMMIT = 'b1eeaa1ac722dcc1cd1a8284bde34393dab61c3d';

export interface Traced<T> { value: T; from: string }

export interface PinnedFile {
  /** path inside onnx/models at ONNX_ZOO_COMMIT */
  path: string;
  url: string;
  sha256: string;
  bytes: number;
  opset: number | null;
  variant: string;
  from: string;
}

export type EvidenceKind = 'published' | 'inferred';

export interface PublicModel {
  id: string;
  name: string;
  /** published: at least one table of ../shared/gt has results for it; inferred: metadata only */
  evidence: EvidenceKind;
  /** ranking tables holding its results */
  tables: string[];
  family: Traced<string> | null;
  params: Traced<number> | null;
  gmacs: Traced<number> | null;
  /** total operator count and the per-operator counts string of the ONNX export */
  ops: Traced<{ total: number; byType: string }> | null;
  inputSize: Traced<number> | null;
  /** pre-training data (tag as the source writes it) */
  pretrain: Traced<string> | null;
  /** canonical source dataset of a fine-tuned model (its token is the source's token) */
  sourceDataset: Traced<string> | null;
  imagenetTop1: Traced<number> | null;
  /** samples/s at batch 1 on a desktop CPU (timm's benchmark) */
  cpuSamplesPerSec: Traced<number> | null;
  licence: Traced<string> | null;
  files: PinnedFile[];
}

export interface PublicCatalogue {
  format: typeof PUBLIC_CATALOGUE_FORMAT;
  version: typeof PUBLIC_CATALOGUE_VERSION;
  /** command that regenerates this file */
  command: string;
  sources: string[];
  models: PublicModel[];
}

export function parsePublicCatalogue(json: unknown): PublicCatalogue {
  const c = json as PublicCatalogue;
  if (!c || c.format !== PUBLIC_CATALOGUE_FORMAT) throw new Error('not a ZooScout public catalogue');
  if (c.version !== PUBLIC_CATALOGUE_VERSION) throw new Error(`catalogue version ${c.version}; this code reads ${PUBLIC_CATALOGUE_VERSION}`);
  return c;
}

/** Architecture family of a model name, e.g. resnet50 -> resnet, densenet201 -> densenet, ViT-B-32 -> vit. */
export function familyOf(name: string): string {
  const n = name.toLowerCase().replace(/^(tv_|tf_|gluon_|ssl_|swsl_)/, '');
  const m = /^[a-z]+/.exec(n);
  return m ? m[0] : n;
}
