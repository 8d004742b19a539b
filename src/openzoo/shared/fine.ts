// The fine stage's description of a user model (FineModel): pure, page and Node.
import type { Preprocess } from '../../encode/shared/manifest.ts';
import type { FineOnnxModel } from '../../fine/shared/types.ts';
import type { UserModelRecord } from './types.ts';

const IMAGENET = { scale: 1 / 255, mean: [0.485, 0.456, 0.406] as [number, number, number], std: [0.229, 0.224, 0.225] as [number, number, number] };

/**
 * Preprocessing for a user model: RGB, ImageNet mean/std, centre crop of the input's size after a
 * resize of 256/224 of it (no resize margin under 64 px, as the zoo's 32 px models have). A uint8
 * input has no float preprocessing: it gets raw 0-255 values (scale 1, mean 0, std 1) as float32,
 * which the fine worker cannot feed it (validation says so in the model's notes); the model then
 * fails alone in the fine stage with onnxruntime's type error, the other models run.
 */
export function userPreprocess(rec: Pick<UserModelRecord, 'info'>): Preprocess {
  const i = rec.info.input;
  const crop = i.height;
  const resize = crop >= 64 ? Math.round((crop * 256) / 224) : crop;
  if (i.dtype === 'uint8') return { resize, crop, channelOrder: 'RGB', inputDtype: 'float32', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] };
  return { resize, crop, channelOrder: 'RGB', inputDtype: i.dtype, ...IMAGENET };
}

/**
 * The description the fine stage takes. featuresOutput is set only when the validated feature
 * tensor is a graph output (the fine worker reads outputs only); otherwise null, and the worker
 * adds a features output itself.
 */
export function toFineModel(rec: UserModelRecord): FineOnnxModel {
  return {
    id: rec.id,
    label: rec.name,
    // a copy: the fine worker takes its buffer (transfer), and the record is measured and checked again later
    source: { bytes: rec.bytes.slice(0) },
    sha256: rec.sha256,
    inputName: rec.info.input.name,
    featuresOutput: rec.info.featuresOutput && rec.info.outputs.includes(rec.info.featuresOutput) ? rec.info.featuresOutput : null,
    logitsOutput: rec.info.logitsOutput,
    preprocess: userPreprocess(rec),
  };
}
