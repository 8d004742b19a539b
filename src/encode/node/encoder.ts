// Encoder in Node (onnxruntime-node): same weights, same graph patch, same preprocessing as the page.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { encoderById, type EncoderEntry } from '../shared/manifest.ts';
import { withEmbeddingOutput, EMBEDDING_OUTPUT } from '../shared/onnx-patch.ts';
import { preprocess, toFloat16Bits, type RgbaImage } from '../shared/preprocess.ts';
import { MODELS_BASE, encoderGraph, servedFile } from '../shared/model-file.ts';
import { l2normalize } from '../shared/vec.ts';

export interface NodeEncoder {
  entry: EncoderEntry;
  embed(images: RgbaImage[]): Promise<Float32Array[]>;
  release(): Promise<void>;
}

/** `raw: true` gives the pooled vector as the graph computes it (the fine stage's and the GT's features), not unit-normalised. */
export async function loadNodeEncoder(id: string, opts: { root?: string; threads?: number; raw?: boolean } = {}): Promise<NodeEncoder> {
  const entry = encoderById(id);
  const bytes = await encoderGraph(entry, async () => new Uint8Array(readFileSync(join(opts.root ?? process.cwd(), MODELS_BASE, servedFile(entry)))));
  const session = await ort.InferenceSession.create(withEmbeddingOutput(bytes, entry.embedding, entry.dim), {
    intraOpNumThreads: opts.threads ?? 0,
  });
  const C = entry.preprocess.crop;
  const batchMax = entry.input.batch === 'dynamic' ? 16 : 1;
  return {
    entry,
    async embed(images) {
      const out: Float32Array[] = [];
      for (let s = 0; s < images.length; s += batchMax) {
        const chunk = images.slice(s, s + batchMax);
        const x = new Float32Array(chunk.length * 3 * C * C);
        chunk.forEach((img, i) => preprocess(img, entry.preprocess, x.subarray(i * 3 * C * C, (i + 1) * 3 * C * C)));
        const dims = [chunk.length, 3, C, C];
        const input = entry.preprocess.inputDtype === 'float16'
          ? new ort.Tensor('float16', toFloat16Bits(x), dims)
          : new ort.Tensor('float32', x, dims);
        const r = await session.run({ [entry.input.name]: input }, [EMBEDDING_OUTPUT]);
        const e = r[EMBEDDING_OUTPUT].data as Float32Array;
        for (let i = 0; i < chunk.length; i++) out.push(opts.raw ? e.slice(i * entry.dim, (i + 1) * entry.dim) : l2normalize(e.slice(i * entry.dim, (i + 1) * entry.dim)));
      }
      return out;
    },
    release: () => session.release(),
  };
}
