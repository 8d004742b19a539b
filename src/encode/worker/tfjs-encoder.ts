// Runs a conv plan (../shared/conv-plan.ts) with tfjs on its WASM backend (XNNPACK kernels, one
// thread: its threaded build cannot start its workers once bundled, see probe/tfjs/backends.ts).
// tfjs is loaded only when this path is taken.
import type { ConvPlan } from '../shared/conv-plan.ts';

export interface PlanRunner {
  /** NCHW float32 batch [n, 3, C, C] -> [n, dim] */
  run(x: Float32Array, n: number, C: number): Promise<Float32Array>;
  release(): void;
}

/** `backends`: tfjs backends to try in order (the page: wasm; Node tests: cpu). */
export async function tfjsPlanRunner(plan: ConvPlan, opts: { wasmBase: string; backends?: string[] }): Promise<PlanRunner> {
  const [{ tf }, { chooseBackend }] = await Promise.all([import('../../probe/tfjs/tf.ts'), import('../../probe/tfjs/backends.ts')]);
  await chooseBackend(opts.backends ?? ['wasm'], { wasmBase: opts.wasmBase });
  type T4 = ReturnType<typeof tf.tensor4d>;
  const weights = plan.steps.map((s) => s.kind === 'conv'
    ? { filter: tf.tensor4d(s.filter, s.filterShape), bias: s.bias ? tf.tensor1d(s.bias) : undefined }
    : null);
  const forward = (x: T4) => tf.tidy(() => {
    const vals = new Map<string, T4>([[plan.input, tf.transpose(x, [0, 2, 3, 1])]]);
    let last: T4 | null = null;
    plan.steps.forEach((s, k) => {
      let y: T4;
      if (s.kind === 'conv') {
        const [t, b, l, r] = s.pads;
        const same = t === b && l === r && t === l;
        // asymmetric padding: padded first (tfjs's fused depthwise takes one number)
        const xin = same ? vals.get(s.x)! : tf.pad(vals.get(s.x)!, [[0, 0], [t, b], [l, r], [0, 0]]);
        const w = weights[k]!;
        const args = { x: xin, filter: w.filter, strides: s.strides, pad: same ? t : 0, bias: w.bias };
        y = s.depthwise ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args);
      } else if (s.kind === 'add') {
        y = tf.add(vals.get(s.a)!, vals.get(s.b)!);
      } else {
        y = tf.mean(vals.get(s.x)!, [1, 2]) as unknown as T4;
      }
      if (s.kind !== 'pool' && s.clip) y = tf.clipByValue(y, s.clip[0], s.clip[1]);
      vals.set(s.out, y);
      last = y;
    });
    return vals.get(plan.output) ?? last!;
  });
  return {
    async run(x, n, C) {
      const input = tf.tensor4d(x, [n, 3, C, C]);
      try {
        const y = forward(input);
        try {
          return (await y.data()) as Float32Array;
        } finally {
          y.dispose();
        }
      } finally {
        input.dispose();
      }
    },
    release() {
      for (const w of weights) {
        w?.filter.dispose();
        w?.bias?.dispose();
      }
    },
  };
}
