// The zoo catalogue: every model ZooScout trained itself (models/zoo/catalogue.json), with what
// the page needs to run it (file, sha256, input, preprocessing) and what a ranker may use as
// model metadata (family, size, source dataset and domain, source accuracy, recipe).
// Format is versioned: bump CATALOGUE_VERSION on any incompatible change (docs/zoo.md).
import type { Preprocess } from '../../encode/shared/manifest.ts';

export const CATALOGUE_VERSION = 1;

/** One preprocessing for the whole zoo: 32 x 32 RGB (grey replicated), ImageNet mean/std. */
export const ZOO_INPUT_SIZE = 32;
export const ZOO_PREPROCESS: Preprocess = {
  resize: ZOO_INPUT_SIZE,
  crop: ZOO_INPUT_SIZE,
  channelOrder: 'RGB',
  inputDtype: 'float32',
  scale: 1 / 255,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};

export type ZooFamily = 'resnet' | 'mobilenetv2' | 'vgg' | 'convmixer';
export const ZOO_FAMILIES: readonly ZooFamily[] = ['resnet', 'mobilenetv2', 'vgg', 'convmixer'];

/** Reserved for the blind-model quadrant: never train a ranker on these. */
export const RESERVED_FAMILIES: readonly ZooFamily[] = ['convmixer'];
export const RESERVED_SOURCES: readonly string[] = ['aid', 'pacs'];

/** Source datasets of the zoo (each model is the family's pool pre-training, fine-tuned on one). */
export const ZOO_SOURCES: readonly string[] = [
  'mnist',
  'fashion_mnist',
  'omniglot',
  'cifar100',
  'caltech101',
  'dtd',
  'brain_tumor_mri',
  'facial_expressions',
  'flowers102',
  'cub200',
  'aid',
  'pacs',
];

/** Pre-training pool: the zoo half of every non-reserved source dataset. */
export const POOL_SOURCES: readonly string[] = ZOO_SOURCES.filter((s) => !RESERVED_SOURCES.includes(s));

/** Fraction of each source dataset's images (per class, seeded) that the zoo may train on. */
export const ZOO_TRAIN_FRACTION = 0.5;
export const ZOO_SPLIT_SEED = 20240603;

export interface ZooModelEntry {
  /** `${family}-${source}`, e.g. resnet-mnist; source 'pool' = pre-trained only */
  id: string;
  family: ZooFamily;
  /** file name under models/zoo/ */
  file: string;
  sha256: string;
  bytes: number;
  params: number;
  /** multiply-accumulates of one forward pass at batch 1 (convs + linears) */
  macs: number;
  input: { name: string; shape: [number | 'batch', number, number, number] };
  outputs: { logits: string; features: string };
  featureDim: number;
  logitDim: number;
  preprocess: Preprocess;
  /** source dataset folder name under ../shared/datasets, or 'pool' */
  source: string;
  /** domain from MANIFEST.json; 'mixed' for the pool */
  sourceDomain: string;
  /** top-1 on the held-out (target) half of the source dataset(s) */
  sourceAccuracy: number;
  sourceClasses: string[];
  /** 'train': may train a ranker; 'blind': reserved family or reserved source */
  split: 'train' | 'blind';
  recipe: {
    seed: number;
    pretrain: { pool: string[]; epochs: number; lr: number; batch: number; optimizer: string; images: number };
    finetune: { epochs: number; lr: number; batch: number; optimizer: string; images: number } | null;
    augmentation: string;
    framework: string;
  };
  /** backends the export was checked on */
  runtimes: { wasm: 'tested'; webgpu: 'tested' };
}

export interface ZooCatalogue {
  version: number;
  preprocess: Preprocess;
  splitSeed: number;
  trainFraction: number;
  reservedFamilies: string[];
  reservedSources: string[];
  models: ZooModelEntry[];
}

export function isBlind(family: string, source: string): boolean {
  return RESERVED_FAMILIES.includes(family as ZooFamily) || RESERVED_SOURCES.includes(source);
}
