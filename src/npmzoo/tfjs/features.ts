// Feature extraction from the npm packages' tfjs models: ONE code path for Node (ground truth,
// inventory) and the page. Readers differ (fs in Node, fetch from the app's origin in the page);
// from the model files' contents on, everything here is shared: artifacts, loading, input
// preparation (the zoo's shared preprocess() + the model's value range) and the pooled feature.
import { tf } from '../../probe/tfjs/tf.ts';
import { preprocess, type RgbaImage } from '../../encode/shared/preprocess.ts';
import type { Preprocess } from '../../encode/shared/manifest.ts';
import type { NpmFeatureNode, NpmInputSpec } from '../shared/types.ts';
import { npmPreprocessSpec } from '../shared/preprocess.ts';

type Tensor = ReturnType<typeof tf.tensor>;
type GraphModel = Awaited<ReturnType<typeof tf.loadGraphModel>>;
type LayersModel = Awaited<ReturnType<typeof tf.loadLayersModel>>;

export { toArtifacts, decodeUmdModel, base64ToBytes, type ModelFiles } from '../shared/artifacts.ts';
import { toArtifacts, type ModelFiles } from '../shared/artifacts.ts';

export async function ensureCpuOrBest(prefer: 'cpu' | 'wasm' | 'webgl' | 'webgpu' = 'cpu'): Promise<string> {
  if (tf.getBackend() !== prefer) {
    try {
      await tf.setBackend(prefer);
    } catch {
      await tf.setBackend('cpu');
    }
  }
  await tf.ready();
  return tf.getBackend();
}

export interface LoadedNpmModel {
  kind: 'graph' | 'layers';
  graph?: GraphModel;
  layers?: LayersModel;
  /** layers model cut at the feature layer */
  featureLayers?: LayersModel;
  inputName: string;
  dispose(): void;
}

export async function loadNpmModel(files: ModelFiles, format: 'tfjs-graph' | 'tfjs-layers', featureLayer?: string): Promise<LoadedNpmModel> {
  const art = toArtifacts(files);
  if (format === 'tfjs-graph') {
    const graph = await tf.loadGraphModel(tf.io.fromMemory(art));
    return { kind: 'graph', graph, inputName: graph.inputs[0].name, dispose: () => graph.dispose() };
  }
  const layers = await tf.loadLayersModel(tf.io.fromMemory(art));
  const featureLayers = featureLayer ? tf.model({ inputs: layers.inputs, outputs: layers.getLayer(featureLayer).output as never }) : undefined;
  return { kind: 'layers', layers, featureLayers, inputName: layers.inputs[0].name, dispose: () => layers.dispose() };
}

/** The zoo's Preprocess record for a model's input spec (square resize + crop, value range). */
export const npmPreprocess = (s: NpmInputSpec): Preprocess => npmPreprocessSpec(s);

/** RGBA images -> N x 3 x S x S float32 in the model's value range (shared preprocess()). */
export function prepareImages(images: RgbaImage[], s: NpmInputSpec): Float32Array {
  const p = npmPreprocess(s);
  const per = 3 * s.size * s.size;
  const out = new Float32Array(images.length * per);
  images.forEach((img, i) => preprocess(img, p, out.subarray(i * per, (i + 1) * per)));
  return out;
}

/** N x 3 x S x S (from prepareImages or a pixel cache) -> the model's input tensor. */
export function inputTensor(nchw: Float32Array, n: number, s: NpmInputSpec): Tensor {
  return tf.tidy(() => {
    let x: Tensor = tf.tensor4d(nchw, [n, 3, s.size, s.size]);
    if (s.channels === 'grey') {
      // rgb2gray weights (as human's src/gear/emotion.ts); linear, so it commutes with the range map
      const w = tf.tensor4d([0.2989, 0.587, 0.114], [1, 3, 1, 1]);
      x = tf.sum(tf.mul(x, w), 1, true);
    }
    if (s.layout === 'NHWC') x = tf.transpose(x, [0, 2, 3, 1]);
    if (s.dtype === 'int32') x = tf.cast(tf.round(x), 'int32');
    return x;
  });
}

/** Run the model to its feature node and pool: N x D float32. */
export async function extractFeatures(m: LoadedNpmModel, f: Pick<NpmFeatureNode, 'node' | 'pooling'>, nchw: Float32Array, n: number, s: NpmInputSpec, batch = 8): Promise<Float32Array> {
  const fixedBatch = m.kind === 'graph' && m.graph!.inputs[0].shape?.[0] === 1;
  const b = fixedBatch ? 1 : batch;
  const per = 3 * s.size * s.size;
  let out: Float32Array | null = null;
  let d = 0;
  for (let i = 0; i < n; i += b) {
    const k = Math.min(b, n - i);
    const x = inputTensor(nchw.subarray(i * per, (i + k) * per), k, s);
    let y: Tensor;
    if (m.kind === 'graph') y = m.graph!.execute({ [m.inputName]: x }, f.node) as Tensor;
    else y = m.featureLayers!.predict(x) as Tensor;
    const pooled = tf.tidy(() => {
      let t = y;
      // H,W follow the model's input layout (the inspector reads the width the same way)
      if (f.pooling === 'mean-hw' && t.rank === 4) t = tf.mean(t, s.layout === 'NCHW' ? [2, 3] : [1, 2]);
      return tf.reshape(t, [k, -1]);
    });
    const v = (await pooled.data()) as Float32Array;
    if (!out) {
      d = v.length / k;
      out = new Float32Array(n * d);
    }
    out.set(v, i * d);
    tf.dispose([x, y, pooled]);
  }
  return out ?? new Float32Array(0);
}

export { tf };
