// Model tokens of the npm models for the committed ranker, without retraining it: the same
// interface as a zoo model or a dropped ONNX file (Scorer.prepare({ id, meta, arch, source })).
//   meta   - from the inventory: params (weight manifest), MACs (counted from the tfjs graph with
//            runtime shapes, src/npmzoo/node/tokens.ts), input size, feature width (the pooled
//            feature node), source classes from the model's own head (table below, with why),
//            source accuracy null (not published with the files), family only where the model
//            truly is one of the zoo's families (nsfwjs's two MobileNetV2s), pool false.
//   arch   - ArchToVec raw features of the tfjs weights (tfjs-weights.ts puts them in the ONNX
//            layout archFeatures reads)
//   source - null: the models' training data are not available here (face/pose sets, nsfw_data
//            scraper), so no class centres can be computed under our encoder.
import type { ModelMeta, ModelToken } from '../../rank/shared/model-tokens.ts';
import { npmModelId, type NpmInventoryEntry } from './types.ts';

export const NPM_TOKENS_FORMAT = 'zooscout.npm-model-tokens';
export const NPM_TOKENS_VERSION = 1;

export interface NpmModelToken extends ModelToken {
  package: string;
  /** the package version the weights come from (`version` is the token format's) */
  packageVersion: string;
  /** sha256 of the model's first package file (inventory): a token is for exactly these weights */
  sha256: string;
  why: { macs: string; sourceClasses: string; family: string; source: string };
}

export interface NpmModelTokens {
  format: typeof NPM_TOKENS_FORMAT;
  version: typeof NPM_TOKENS_VERSION;
  generatedBy: string;
  models: NpmModelToken[];
}

type Heads = { classes: number; why: string };
const binaryDetector: Heads = { classes: 2, why: 'detector with one object score per anchor: object vs background' };
const noClassHead: Heads = { classes: 2, why: 'no class head (landmarks / pose / segmentation / embedding / regression); 2 is the metadata vector\'s floor' };

/** Classes of the model's own output head (what its source task distinguishes). */
export function sourceClassesOf(e: Pick<NpmInventoryEntry, 'id' | 'package'>): Heads {
  if (e.package === 'nsfwjs') return { classes: 5, why: 'softmax head: Drawing, Hentai, Neutral, Porn, Sexy' };
  switch (e.id) {
    case 'emotion': return { classes: 7, why: 'softmax head, 7 expressions' };
    case 'gender': return { classes: 2, why: 'softmax head, 2 classes' };
    case 'liveness': return { classes: 2, why: 'softmax head, 2 classes (real vs screen)' };
    case 'antispoof': return { classes: 2, why: 'one sigmoid: real vs spoof' };
    case 'gender-ssrnet-imdb': return { classes: 2, why: 'one sigmoid: male vs female' };
    case 'faceres':
    case 'faceres-deep': return { classes: 100, why: 'age_pred softmax over 100 ages (+ gender sigmoid)' };
    case 'gear': return { classes: 7, why: 'three softmax heads (7, 2, 5): the widest' };
    case 'centernet':
    case 'nanodet': return { classes: 80, why: 'COCO detector, 80 classes' };
    case 'blazeface': case 'blazeface-back': case 'blazeface-front':
    case 'facemesh-detection-full': case 'facemesh-detection-short':
    case 'handdetect': case 'blazepose-detector': case 'faceboxes': case 'handtrack':
      return binaryDetector;
    default: return noClassHead;
  }
}

/** The zoo's family only when the npm model is that architecture (the one-hot slot means "same family as the zoo's"). */
export function familyOf(e: Pick<NpmInventoryEntry, 'id' | 'package'>): { family: string | null; why: string } {
  if (e.package === 'nsfwjs' && e.id.startsWith('mobilenet_v2')) return { family: 'mobilenetv2', why: 'Keras MobileNetV2 (nsfwjs README), the zoo\'s mobilenetv2 family' };
  return { family: null, why: 'not one of the zoo\'s families (resnet, mobilenetv2, vgg, convmixer)' };
}

export const NO_SOURCE_WHY = 'no source token: the training data of the packaged models is not available here (only named in their docs), so no class centres under our encoder';

export function npmModelMeta(e: NpmInventoryEntry, macs: number | null): ModelMeta {
  if (!e.feature) throw new Error(`${e.id}: no feature node (${e.excludedReason ?? 'excluded'})`);
  return {
    family: familyOf(e).family,
    params: e.params,
    macs,
    inputSize: e.input.size,
    featureDim: e.feature.dim,
    sourceClasses: sourceClassesOf(e).classes,
    sourceAccuracy: null,
    pool: false,
  };
}

/** What Scorer.prepare takes, for the tokens of the given model ids (default: all). */
export function npmPrepareInputs(t: NpmModelTokens, ids?: readonly string[]): { id: string; meta: ModelMeta; arch: number[] | null; source: null }[] {
  if (t.format !== NPM_TOKENS_FORMAT || t.version !== NPM_TOKENS_VERSION) throw new Error(`not a ${NPM_TOKENS_FORMAT} v${NPM_TOKENS_VERSION} file`);
  const pick = ids ? ids.map((id) => t.models.find((m) => m.id === id) ?? (() => { throw new Error(`no npm model token for ${id}`); })()) : t.models;
  return pick.map((m) => ({ id: m.id, meta: m.meta, arch: m.arch, source: null }));
}

/** Tokens that no longer match the inventory (another package version or file): ids with why. */
export function staleTokens(t: NpmModelTokens, inv: { models: NpmInventoryEntry[] }): string[] {
  const out: string[] = [];
  for (const e of inv.models.filter((m) => m.feature)) {
    const id = npmModelId(e.package, e.id);
    const k = t.models.find((m) => m.id === id);
    if (!k) out.push(`${id}: missing`);
    else if (k.packageVersion !== e.version || k.sha256 !== e.files[0].sha256) out.push(`${id}: token for ${k.package}@${k.packageVersion} ${k.sha256.slice(0, 12)}, inventory has ${e.version} ${e.files[0].sha256.slice(0, 12)}`);
    else if (k.meta.params !== e.params || k.meta.featureDim !== e.feature!.dim) out.push(`${id}: metadata differs from the inventory`);
  }
  return out;
}
