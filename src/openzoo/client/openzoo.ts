// The open zoo in the page: a stored user model gets a ranker token (weights + graph metadata, no
// retraining), is ranked with the zoo, gets a predicted cost at once and a measured one on request,
// and is described for the fine stage.
import { predictCost, structureOf, type ModelDescription } from '../../hardware/shared/cost-model.ts';
import { readGraph } from '../../hardware/shared/onnx.ts';
import type { MeasuredCost, MeasureOptions, MeasureProgress, MicroBench, PredictedCost } from '../../hardware/shared/types.ts';
import type { HardwareHandle, MeasurableModel } from '../../hardware/client/hardware-client.ts';
import { rankModels, tokenForOnnx, type PageRanker } from '../../rank/client/ranker.ts';
import type { RankerKind } from '../../rank/model/scorer.ts';
import type { PreparedModel } from '../../rank/shared/features.ts';
import type { DatasetTokens } from '../../tokens/shared/format.ts';
import { costOfGraph } from '../shared/validate.ts';
import type { UserModelRecord } from '../shared/types.ts';

export * from './store.ts';
export { toFineModel, userPreprocess } from '../shared/fine.ts';

/** The ranker token of a user model (ArchToVec of its weights, metadata of its graph). */
export function userModelToken(r: PageRanker, rec: UserModelRecord, extra: Parameters<typeof tokenForOnnx>[3] = {}): PreparedModel {
  return tokenForOnnx(r, rec.id, new Uint8Array(rec.bytes), extra);
}

/** Ranks the zoo and the user's models together for a dataset, in one pass. */
export function rankWithUserModels(r: PageRanker, tokens: DatasetTokens, users: PreparedModel[], kind: RankerKind = 'cross') {
  return rankModels(r, tokens, kind, [...r.zoo, ...users]);
}

/** What the cost model needs of a user model; its structure comes from its own graph. */
export function userModelDescription(rec: UserModelRecord): ModelDescription {
  const c = costOfGraph(readGraph(new Uint8Array(rec.bytes)), rec.info.input);
  return { id: rec.id, macs: rec.info.macs ?? 0, params: rec.info.params, bytes: rec.info.bytes, structure: structureOf(c) };
}

/** A user model as the hardware worker measures it: its bytes behind a blob: URL (revoke it when done). */
export function measurableUserModel(rec: UserModelRecord): { model: MeasurableModel; revoke: () => void } {
  const url = URL.createObjectURL(new Blob([rec.bytes], { type: 'application/octet-stream' }));
  const i = rec.info.input;
  return {
    model: {
      ...userModelDescription(rec), sha256: rec.sha256, url, inputName: i.name, inputDims: [i.channels, i.height, i.width],
      inputDtype: i.dtype === 'float16' ? 'float16' : 'float32', fixedBatch: i.batch,
    },
    revoke: () => URL.revokeObjectURL(url),
  };
}

export interface UserModelCost {
  /** from the micro-benchmark and the model's own graph (basis 'graph'); null when its MACs are unknown */
  predicted: PredictedCost | null;
  /** why there is no prediction */
  why: string | null;
  /** runs the model in the hardware worker (cached per device, backend and file) */
  measure(o?: { useCache?: boolean; onProgress?: (p: MeasureProgress) => void; options?: Partial<MeasureOptions> }): Promise<{ cost: MeasuredCost; cached: boolean; stored: boolean }>;
}

/** The predicted cost at once; the measured one when asked (needs a hardware handle). */
export function userModelCost(rec: UserModelRecord, o: { micro: MicroBench; hw?: HardwareHandle; batch?: number }): UserModelCost {
  const known = rec.info.macs !== null;
  return {
    predicted: known ? predictCost(userModelDescription(rec), o.micro, o.batch) : null,
    why: known ? null : 'its MACs could not be counted from the graph: measure it instead',
    async measure(mo = {}) {
      if (!o.hw) throw new Error('no hardware worker: start one with startHardware() to measure');
      if (rec.info.input.dtype !== 'float32' && rec.info.input.dtype !== 'float16') {
        throw new Error(`"${rec.name}" takes ${rec.info.input.dtype} input; the latency measurement feeds float32 or float16, so only its predicted cost is available`);
      }
      const { model, revoke } = measurableUserModel(rec);
      try {
        return await o.hw.measure(model, mo);
      } finally {
        revoke();
      }
    },
  };
}
