// Real ImageNet-pretrained backbones (issue 17): the tfjs models of ../shared/models/real
// (byte-identical to public GitHub copies; PROVENANCE.md there) and the three ONNX encoders, which
// are ImageNet classifiers too. One record each: where the files come from, how an image becomes the
// input, which node gives the features. Their measured GT (data/real-gt) is in GT format v2, on the
// zoo's tasks, under the zoo's protocol.
import type { NpmInputSpec } from '../../npmzoo/shared/types.ts';

export const REAL_BACKBONES_VERSION = 1;

/** the tfjs backbones' registry ids (the page serves and ranks them; vite.config.ts and the test server read this) */
export const REAL_TFJS_IDS: readonly string[] = ['real:mobilenet_v1_0.25', 'real:mobilenet_v1_0.75', 'real:tfhub_mobilenet_v1_0.25', 'real:darknet_tiny'];

/** where the page's build serves a tfjs backbone (src/realzoo/node/assets.ts), next to the npm models */
export const realTfjsUrl = (b: Pick<RealBackbone, 'source'>) => `/npm-models/real@${REAL_BACKBONES_VERSION}/${b.source}/model.json`;

export interface RealBackbone {
  /** registry id, e.g. "real:mobilenet_v1_0.75" */
  id: string;
  label: string;
  family: string;
  format: 'tfjs-layers' | 'tfjs-graph' | 'onnx-encoder';
  /** tfjs: folder under ../shared/models/real (model.json + shards + sha256sums); onnx: encoder manifest id */
  source: string;
  params: number;
  bytes: number;
  /** tfjs input (the npm models' spec: resize shorter side + centre crop, value range); onnx: the encoder manifest's */
  input?: NpmInputSpec;
  /** tfjs: layer (layers model) or node (graph model) whose output, averaged over H and W when 4-d, is the feature */
  featureNode?: string;
  pooling?: 'as-is' | 'mean-hw';
  dim: number;
  pretraining: string;
  /** ImageNet top-1 measured in ../shared (PROVENANCE.md: 1,000 upscaled 128-px images, not the published protocol) */
  top1Here: number;
  original: string;
  licence: string;
  /** sha256 of the topology file (model.json or the .onnx) */
  sha256: string;
}

const rgb224 = (range: NpmInputSpec['range'], why: string): NpmInputSpec => ({ size: 224, channels: 'rgb', range, dtype: 'float32', layout: 'NHWC', rangeSource: why });

export const REAL_BACKBONES: RealBackbone[] = [
  {
    id: 'real:mobilenet_v1_0.25', label: 'MobileNet v1 0.25 (Keras, tfjs)', family: 'mobilenet_v1', format: 'tfjs-layers', source: 'tfjs_mobilenet_v1_0.25_224',
    params: 475544, bytes: 1956310, input: rgb224('-1..1', 'PROVENANCE.md: x/127.5-1'), featureNode: 'global_average_pooling2d_1', pooling: 'as-is', dim: 256,
    pretraining: 'ImageNet-1k', top1Here: 0.376, original: 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.25_224/model.json', licence: 'Apache-2.0',
    sha256: 'd14c680e069d74143e3771c291cf3fd153ee88b6ea9ee44bfaf84e2008ded44e',
  },
  {
    id: 'real:mobilenet_v1_0.75', label: 'MobileNet v1 0.75 (Keras, tfjs)', family: 'mobilenet_v1', format: 'tfjs-layers', source: 'tfjs_mobilenet_v1_0.75_224',
    params: 2601976, bytes: 10457307, input: rgb224('-1..1', 'PROVENANCE.md: x/127.5-1'), featureNode: 'global_average_pooling2d_1', pooling: 'as-is', dim: 768,
    pretraining: 'ImageNet-1k', top1Here: 0.516, original: 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.75_224/model.json', licence: 'Apache-2.0',
    sha256: 'a74c25424bd9939b1c245a58da417e35d1ca16f0b009490a1c44b43d982600d9',
  },
  {
    id: 'real:tfhub_mobilenet_v1_0.25', label: 'MobileNet v1 0.25 (TF-Hub, tfjs graph)', family: 'mobilenet_v1', format: 'tfjs-graph', source: 'tfhub_mobilenet_v1_025_224_cls1',
    params: 468837, bytes: 1935855, input: rgb224('0..1', 'PROVENANCE.md: [0,1], the graph maps to [-1,1]'), featureNode: 'module_apply_default/MobilenetV1/Logits/global_pool', pooling: 'mean-hw', dim: 256,
    pretraining: 'ImageNet-1k', top1Here: 0.385, original: 'https://tfhub.dev/google/imagenet/mobilenet_v1_025_224/classification/1', licence: 'Apache-2.0',
    sha256: '6faec7d52c5f51801302fb8f9beaf31f4ac12edc89083f8231de6c20d814f522',
  },
  {
    id: 'real:darknet_tiny', label: 'Tiny Darknet (ml5, tfjs)', family: 'darknet', format: 'tfjs-layers', source: 'darknet_tiny_ml5',
    params: 1046488, bytes: 4219188, input: rgb224('0..1', 'PROVENANCE.md: x/255'), featureNode: 'leaky_re_lu_15', pooling: 'mean-hw', dim: 128,
    pretraining: 'ImageNet-1k', top1Here: 0.384, original: 'https://cdn.jsdelivr.net/gh/ml5js/ml5-data-and-models@master/models/darknetclassifier/darknettiny/model.json', licence: 'MIT (weights public domain)',
    sha256: '5a5ee1ddb33ac7948b303197f4c63f72a80fc00a7d2870d30843004ddd5b4b51',
  },
  // the ONNX encoders: bytes, sha256 and params come from the encoder manifest and the graph (src/realzoo/node/backbones.ts)
  {
    id: 'real:mobilenetv2-12-int8', label: 'MobileNetV2 1.0 int8 (ONNX Model Zoo)', family: 'mobilenet_v2', format: 'onnx-encoder', source: 'mobilenetv2-12-int8',
    params: 0, bytes: 0, dim: 1280, pretraining: 'ImageNet-1k', top1Here: 0.572, original: 'https://github.com/onnx/models (validated/vision/classification/mobilenet)', licence: 'Apache-2.0', sha256: '',
  },
  {
    id: 'real:shufflenet-v2-12-qdq', label: 'ShuffleNet v2 1.0 int8 QDQ (ONNX Model Zoo)', family: 'shufflenet_v2', format: 'onnx-encoder', source: 'shufflenet-v2-12-qdq',
    params: 0, bytes: 0, dim: 1024, pretraining: 'ImageNet-1k', top1Here: 0.496, original: 'https://github.com/onnx/models (validated/vision/classification/shufflenet)', licence: 'Apache-2.0', sha256: '',
  },
  {
    id: 'real:squeezenet1.1-fp16', label: 'SqueezeNet 1.1 fp16', family: 'squeezenet', format: 'onnx-encoder', source: 'squeezenet1.1-fp16',
    params: 0, bytes: 0, dim: 512, pretraining: 'ImageNet-1k', top1Here: 0.333, original: '../shared/models/encoders/PROVENANCE.md (pinned address there)', licence: 'see PROVENANCE.md', sha256: '',
  },
];

/** `real backbones: N (ImageNet-pretrained K), GT on T tasks, noise ceiling X.XXX` — the line zoo:summary prints. */
export function realBackbonesLine(n: number, imagenet: number, tasks: number, ceiling: number): string {
  return `real backbones: ${n} (ImageNet-pretrained ${imagenet}), GT on ${tasks} tasks, noise ceiling ${Number.isFinite(ceiling) ? ceiling.toFixed(3) : 'n/a'}`;
}
