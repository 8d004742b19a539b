// The encoder manifest: every frozen image encoder the page can use, pinned by URL + sha256.
// The ranker is tied to one encoder's embedding space, so tokens carry the encoder id and sha256
// and nothing mixes tokens of two encoders (see tokens/shared/format.ts).

export type ChannelOrder = 'RGB' | 'BGR';

export interface Preprocess {
  /** shorter side resized to this, then centre crop of `crop` */
  resize: number;
  crop: number;
  /** resize filter, antialiased as PIL's (default bilinear) */
  resample?: 'bilinear' | 'bicubic';
  /** centre-crop offset: round((size - crop) / 2) as torchvision (default), or floor as Hugging Face's image processors */
  cropOffset?: 'round' | 'floor';
  channelOrder: ChannelOrder;
  /** value = (pixel * scale - mean[c]) / std[c], channel order as in channelOrder */
  scale: number;
  mean: [number, number, number];
  std: [number, number, number];
  inputDtype: 'float32' | 'float16';
}

/** Nodes appended to the graph to expose the pooled features as an extra output `embedding`. */
export type EmbeddingRecipe =
  | { kind: 'dequantize'; tensor: string; scale: string; zeroPoint: string }
  | { kind: 'identity'; tensor: string }
  | { kind: 'pool-cast'; tensor: string };

export interface EncoderEntry {
  id: string;
  name: string;
  /** file name under models/encoders/ */
  file: string;
  urls: string[];
  /** null: not pinned yet, never downloaded (a dropped file can still be checked by the user) */
  sha256: string | null;
  bytes: number | null;
  input: { name: string; batch: 'dynamic' | 1 };
  output: string;
  embedding: EmbeddingRecipe;
  dim: number;
  preprocess: Preprocess;
  licence: string;
  /** true: the default when its file is present */
  default?: boolean;
  /** made here from another entry's file by a committed transform (no URL of its own); the result is pinned like any file */
  derivedFrom?: { id: string; transform: 'float-derive' };
  /** 'tfjs': on WASM the graph runs on tfjs-backend-wasm (conv-plan.ts), faster than onnxruntime-web for it; WebGPU stays on onnxruntime-web */
  wasmRuntime?: 'tfjs';
  /** true: large, fetched only when asked (the page: on the user's consent; setup: `--with ID`) */
  onRequest?: boolean;
  notes?: string;
}

const IMAGENET: Pick<Preprocess, 'scale' | 'mean' | 'std'> = {
  scale: 1 / 255,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};

/** The float32 MobileNetV2 derived at another input size (float-derive's `size`): another encoder, pinned apart. */
function derivedAt(crop: number, resize: number): Omit<EncoderEntry, 'sha256'> {
  return {
    id: `mobilenetv2-12-f32-${crop}`,
    name: `MobileNetV2 1.0 float32 at ${crop} px (derived from the int8 zoo file)`,
    file: `mobilenetv2-12-f32-${crop}-derived.onnx`,
    urls: [],
    derivedFrom: { id: 'mobilenetv2-12-int8', transform: 'float-derive' },
    wasmRuntime: 'tfjs',
    bytes: 8850728,
    input: { name: 'input', batch: 'dynamic' },
    output: 'features',
    embedding: { kind: 'identity', tensor: 'features' },
    dim: 1280,
    preprocess: { resize, crop, channelOrder: 'RGB', inputDtype: 'float32', ...IMAGENET },
    licence: 'Apache-2.0 (derived from the ONNX Model Zoo file)',
  };
}

export const ENCODERS: readonly EncoderEntry[] = [
  {
    id: 'mobilenetv2-12-int8',
    name: 'MobileNetV2 1.0 int8 (ONNX Model Zoo)',
    file: 'mobilenetv2-12-int8.onnx',
    urls: [
      'https://github.com/onnx/models/raw/b1eeaa1ac722dcc1cd1a8284bde34393dab61c3d/validated/vision/classification/mobilenet/model/mobilenetv2-12-int8.onnx',
      'https://huggingface.co/onnxmodelzoo/mobilenetv2-12-int8/resolve/main/mobilenetv2-12-int8.onnx',
    ],
    sha256: 'cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f',
    bytes: 3655033,
    input: { name: 'input', batch: 'dynamic' },
    output: 'output',
    embedding: { kind: 'dequantize', tensor: '464_quantized', scale: '464_scale', zeroPoint: '464_zero_point' },
    dim: 1280,
    preprocess: { resize: 256, crop: 224, channelOrder: 'RGB', inputDtype: 'float32', ...IMAGENET },
    licence: 'Apache-2.0',
  },
  {
    // the int8 graph above turned float32 by src/encode/shared/float-derive.ts at setup (no download
    // of its own): onnxruntime-web's WASM float kernels run it ~2x faster than the int8 ones. A
    // different encoder (cosine ~0.97 to the int8 embeddings), so its tokens never mix with those.
    ...derivedAt(224, 256),
    id: 'mobilenetv2-12-f32',
    file: 'mobilenetv2-12-f32-derived.onnx',
    sha256: 'da543a404d1db3c9486515754f7e064e59344aa715122fc7280a8a2512e584c6',
  },
  {
    // the same derived graph at 160 px (float-derive's size; its own pin; resize keeps torchvision's
    // crop/0.875): half the MACs of 224. The default since bench:encode/bench:rank: 4.6x the int8
    // encoder's images/s in the page, the same recommendation quality (docs/encoders.md)
    ...derivedAt(160, 183),
    sha256: 'c18a1098496b19d441d7f269cf588d600a44282dfd09abdf0a4b98676b4ae72f',
    default: true,
  },
  {
    id: 'shufflenet-v2-12-qdq',
    name: 'ShuffleNet-v2 1.0x int8 QDQ (ONNX Model Zoo)',
    file: 'shufflenet-v2-12-qdq.onnx',
    urls: [
      'https://github.com/onnx/models/raw/b1eeaa1ac722dcc1cd1a8284bde34393dab61c3d/validated/vision/classification/shufflenet/model/shufflenet-v2-12-qdq.onnx',
    ],
    sha256: '7c536d02e2f6af9569e5f3c7a4d8282060072119524c93c8da71e63876b4722b',
    bytes: 2415805,
    input: { name: 'input', batch: 1 },
    output: 'output',
    embedding: { kind: 'identity', tensor: '611' },
    dim: 1024,
    preprocess: { resize: 256, crop: 224, channelOrder: 'RGB', inputDtype: 'float32', ...IMAGENET },
    licence: 'BSD-3-Clause',
  },
  {
    id: 'squeezenet1.1-fp16',
    name: 'SqueezeNet 1.1 float16 (Windows ML samples)',
    file: 'SqueezeNet_fp16.onnx',
    urls: [
      'https://github.com/microsoft/Windows-Machine-Learning/raw/155b5eeb1f48b49235f31ef3a68db0bd8707ce89/SharedContent/models/SqueezeNet_fp16.onnx',
    ],
    sha256: '21f25e3d9254af93e6218a359469fac714a017b3f9035c0f5c4acbf9a3ff7233',
    bytes: 2484091,
    input: { name: 'data_0', batch: 1 },
    output: 'softmaxout_1',
    embedding: { kind: 'pool-cast', tensor: 'fire9/concat_1' },
    dim: 512,
    // Caffe convention: BGR, 0..255 minus the per-channel mean, no scaling (measured best, PROVENANCE.md)
    preprocess: {
      resize: 256,
      crop: 224,
      channelOrder: 'BGR',
      inputDtype: 'float16',
      scale: 1,
      mean: [104, 117, 123],
      std: [1, 1, 1],
    },
    licence: 'MIT',
  },
  {
    id: 'clip-vit-b32-quantized',
    name: 'CLIP ViT-B/32 image encoder, quantized (Xenova)',
    file: 'clip-vit-base-patch32-vision_model_quantized.onnx',
    urls: [
      'https://huggingface.co/Xenova/clip-vit-base-patch32/resolve/d15189d7028b43f1d3e65039190477f6af591c2a/onnx/vision_model_quantized.onnx',
    ],
    // Pinned from the values (two independent public projects pin the same revision, size and
    // sha256); the file itself cannot be fetched from the build machine, so nothing here has run it.
    // The page downloads it only on consent and refuses any other bytes (size, then sha256).
    sha256: '583fd1110a514667812fee7d684952aaf82a99b959760c8d7dca7e0ab9839299',
    bytes: 89_117_001,
    input: { name: 'pixel_values', batch: 'dynamic' },
    output: 'image_embeds',
    embedding: { kind: 'identity', tensor: 'image_embeds' },
    dim: 512,
    // CLIPImageProcessor: shortest edge 224, PIL bicubic, centre crop 224 (floor offsets), /255, CLIP mean/std
    preprocess: {
      resize: 224,
      crop: 224,
      resample: 'bicubic',
      cropOffset: 'floor',
      channelOrder: 'RGB',
      inputDtype: 'float32',
      scale: 1 / 255,
      mean: [0.48145466, 0.4578275, 0.40821073],
      std: [0.26862954, 0.26130258, 0.27577711],
    },
    licence: 'MIT (OpenAI CLIP)',
    onRequest: true,
    notes: 'downloaded on consent (89.1 MB); no ranker is trained for its tokens yet',
  },
];

export function encoderById(id: string): EncoderEntry {
  const e = ENCODERS.find((x) => x.id === id);
  if (!e) throw new Error(`unknown encoder "${id}"`);
  return e;
}

export const DEFAULT_ENCODER_ID = ENCODERS.find((e) => e.default)!.id;

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/** Checks a weight file against its pin: size first (a truncated download), then sha256. */
export function verifyWeights(entry: EncoderEntry, bytes: number, sha256hex: string): VerifyResult {
  if (!entry.sha256) return { ok: false, reason: `${entry.name} has no pinned sha256 yet; refusing an unverified file` };
  if (entry.bytes !== null && bytes !== entry.bytes) {
    const what = bytes < entry.bytes ? 'truncated' : 'too large';
    return { ok: false, reason: `${entry.file}: ${bytes} bytes, expected ${entry.bytes} (${what}: wrong or damaged file)` };
  }
  if (sha256hex.toLowerCase() !== entry.sha256) {
    return { ok: false, reason: `${entry.file}: sha256 ${sha256hex.slice(0, 12)}… does not match the pinned ${entry.sha256.slice(0, 12)}…` };
  }
  return { ok: true };
}

/** Finds which encoder a dropped file is, by its hash (the name a user gives a file means nothing). */
export function encoderForHash(sha256hex: string): EncoderEntry | undefined {
  return ENCODERS.find((e) => e.sha256 === sha256hex.toLowerCase());
}
