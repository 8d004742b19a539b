// The page's linear probe: the same L2 multinomial logistic regression as the Node L-BFGS probe,
// trained with full-batch Adam in tfjs (WebGPU / WebGL / CPU backend, whichever is available),
// so that it can be trained a few epochs at a time under successive halving. Float32 on the
// accelerator: it ranks candidate models in the page; Node's float64 L-BFGS defines GT.
import { tf } from './tf.ts';
import { applyScaler, fitScaler, type Scaler } from '../shared/logreg.ts';
import { stratifiedSplit, take, takeRows } from '../shared/split.ts';
import { successiveHalving, type HalvingResult } from '../shared/halving.ts';

/** Use the first backend that initialises (tfjs registers webgl and cpu; webgpu if its package is loaded). */
export async function ensureBackend(prefer: string[] = ['webgpu', 'webgl', 'cpu']): Promise<string> {
  for (const name of prefer) {
    if (!tf.engine().registryFactory[name]) continue;
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
    } catch {
      // try the next one
    }
  }
  throw new Error(`no tfjs backend among ${prefer.join(', ')}`);
}

export interface TfProbeOptions {
  C?: number;
  learningRate?: number;
  classes?: number;
}

export class TfProbe {
  readonly scaler: Scaler;
  private readonly x: tf.Tensor2D;
  private readonly y: tf.Tensor2D;
  private readonly w: tf.Variable;
  private readonly b: tf.Variable;
  private readonly opt: tf.AdamOptimizer;
  private readonly lambda: number;
  readonly classes: number;
  epochs = 0;

  constructor(features: ArrayLike<number>, labels: ArrayLike<number>, readonly n: number, readonly d: number, opts: TfProbeOptions = {}) {
    let c = opts.classes ?? 0;
    for (let i = 0; i < n; i++) c = Math.max(c, labels[i] + 1);
    this.classes = c;
    // Standardise with the training rows only; the scaler is reused for evaluation.
    this.scaler = fitScaler(features, n, d);
    this.x = tf.tensor2d(Float32Array.from(applyScaler(this.scaler, features, n, d)), [n, d]);
    this.y = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(labels as ArrayLike<number>), 'int32'), c).toFloat() as tf.Tensor2D);
    // Zero init: deterministic, no seed needed, and the same start as the L-BFGS probe.
    this.w = tf.variable(tf.zeros([d, c]));
    this.b = tf.variable(tf.zeros([c]));
    this.opt = tf.train.adam(opts.learningRate ?? 0.05);
    this.lambda = 1 / ((opts.C ?? 1) * n); // same objective as fitLogReg: mean CE + ||W||^2 / (2 C N)
  }

  private loss(x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
    const logits = tf.add(tf.matMul(x, this.w), this.b);
    const ce = tf.losses.softmaxCrossEntropy(y, logits);
    return tf.add(ce, tf.mul(this.lambda / 2, tf.sum(tf.square(this.w)))) as tf.Scalar;
  }

  /** Full-batch steps; returns the objective after the last one. */
  async train(epochs: number): Promise<number> {
    let last = NaN;
    for (let e = 0; e < epochs; e++) {
      const l = this.opt.minimize(() => this.loss(this.x, this.y), true, [this.w, this.b]);
      if (e === epochs - 1 && l) last = (await l.data())[0];
      l?.dispose();
    }
    this.epochs += epochs;
    return last;
  }

  async evaluate(features: ArrayLike<number>, labels: ArrayLike<number>, n: number): Promise<{ accuracy: number; loss: number }> {
    const x = tf.tensor2d(Float32Array.from(applyScaler(this.scaler, features, n, this.d)), [n, this.d]);
    const yi = tf.tensor1d(Int32Array.from(labels as ArrayLike<number>), 'int32');
    const [acc, loss] = tf.tidy(() => {
      const logits = tf.add(tf.matMul(x, this.w), this.b);
      const hit = tf.mean(tf.equal(tf.argMax(logits, 1), yi).toFloat());
      const ce = tf.losses.softmaxCrossEntropy(tf.oneHot(yi, this.classes).toFloat(), logits);
      return [hit, ce];
    });
    const out = { accuracy: (await acc.data())[0], loss: (await loss.data())[0] };
    tf.dispose([x, yi, acc, loss]);
    return out;
  }

  dispose(): void {
    tf.dispose([this.x, this.y, this.w, this.b]);
    this.opt.dispose();
  }
}

export interface Candidate {
  id: string;
  /** N x D features of the same N images (same order as labels) from one candidate model. */
  features: ArrayLike<number>;
  d: number;
}

export interface HalvingProbeOptions extends TfProbeOptions {
  seed?: number;
  valFraction?: number;
  /** Epochs for every candidate in round 0; doubled each round (eta = 2). */
  minEpochs?: number;
  eta?: number;
}

/**
 * Two-phase fine selection in the page: a linear probe per candidate model on one fixed stratified
 * train/validation split of the user's images, trained under successive halving (validation
 * accuracy, then lower loss, decides). Returns the halving result; ranking[0] is the pick.
 */
export async function probeHalving(
  candidates: Candidate[],
  labels: ArrayLike<number>,
  opts: HalvingProbeOptions = {},
): Promise<HalvingResult> {
  const { train, test: val } = stratifiedSplit(labels, opts.valFraction ?? 0.25, opts.seed ?? 0);
  const yTr = take(labels, train);
  const yVal = take(labels, val);
  let classes = 0;
  for (let i = 0; i < labels.length; i++) classes = Math.max(classes, labels[i] + 1);
  const probes: TfProbe[] = [];
  try {
    const arms = candidates.map((c) => {
      const probe = new TfProbe(takeRows(c.features, c.d, train), yTr, train.length, c.d, { ...opts, classes });
      probes.push(probe);
      const xVal = takeRows(c.features, c.d, val);
      return {
        id: c.id,
        train: async (epochs: number) => void (await probe.train(epochs)),
        // Accuracy first; the loss term (< 1e-3 weight) only breaks ties between equal accuracies.
        score: async () => {
          const r = await probe.evaluate(xVal, yVal, val.length);
          return r.accuracy - 1e-3 * Math.tanh(r.loss);
        },
      };
    });
    return await successiveHalving(arms, { minBudget: opts.minEpochs ?? 5, eta: opts.eta ?? 2 });
  } finally {
    probes.forEach((p) => p.dispose());
  }
}
