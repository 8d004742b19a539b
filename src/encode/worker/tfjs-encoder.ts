// Runs a conv plan (../shared/conv-plan.ts) with tfjs on its WASM backend (XNNPACK kernels, one
// thread: its threaded build cannot start its workers once bundled, see probe/tfjs/backends.ts).
// tfjs is loaded only when this path is taken.
import type { ConvPlan } from '../shared/conv-plan.ts';

export interface PlanRunner {
  /** NCHW float32 batch [n, 3, C, C] -> [n, dim] */
  run(x: Float32Array, n: number, C: number): Promise<Float32Array>;
  release(): void;
}

const loading = new Map<string, ReturnType<typeof load>>();
async function load(backends: string[], wasmBase: string) {
  const [{ tf }, { chooseBackend }] = await Promise.all([import('../../probe/tfjs/tf.ts'), import('../../probe/tfjs/backends.ts')]);
  await chooseBackend(backends, { wasmBase });
  return tf;
}

/** tfjs on its backend, loaded once: a worker starts this while its weights are still being
 * fetched and derived, so the runtime's download and compile overlap them. */
export function loadTfjs(opts: { wasmBase: string; backends?: string[] }): ReturnType<typeof load> {
  const backends = opts.backends ?? ['wasm'];
  const key = `${backends.join(',')}|${opts.wasmBase}`;
  let p = loading.get(key);
  if (!p) {
    p = load(backends, opts.wasmBase);
    loading.set(key, p);
    p.catch(() => loading.delete(key)); // a later call tries again and reports its own error
  }
  return p;
}

/** `backends`: tfjs backends to try in order (the page: wasm; Node tests: cpu). */
export async function tfjsPlanRunner(plan: ConvPlan, opts: { wasmBase: string; backends?: string[] }): Promise<PlanRunner> {
  const tf = await loadTfjs(opts);
  type T4 = ReturnType<typeof tf.tensor4d>;
  const weights = plan.steps.map((s) => s.kind === 'conv'
    ? { filter: tf.tensor4d(s.filter, s.filterShape), bias: s.bias ? tf.tensor1d(s.bias) : undefined }
    : null);
  // the steps without their weights (now in tfjs's memory): the plan's copy is not kept
  const steps = plan.steps.map((s) => (s.kind === 'conv' ? { ...s, filter: null, bias: null } : s));
  const { input: planInput, output: planOutput } = plan;
  // how many steps read each tensor: each is freed after its last reader instead of at the end of
  // the pass (tf.tidy), so the WASM heap holds a few activations, not all of them (a batch of 8:
  // 142 MB against 560 MB in Node). Fresh WASM memory is slow to touch on a small VM: the first
  // batch of 8 after the warm-up took 1.5 s with tidy, 0.7 s this way (the same batch later: 0.2 s)
  const reads = new Map<string, number>();
  for (const s of steps) for (const x of s.kind === 'add' ? [s.a, s.b] : [s.x]) reads.set(x, (reads.get(x) ?? 0) + 1);
  const forward = (x: T4): T4 => {
    const left = new Map(reads);
    const vals = new Map<string, T4>([[planInput, tf.transpose(x, [0, 2, 3, 1])]]);
    const used = (name: string) => {
      const n = left.get(name)! - 1;
      left.set(name, n);
      if (n === 0 && name !== planOutput) {
        vals.get(name)!.dispose();
        vals.delete(name);
      }
    };
    try {
      for (let k = 0; k < steps.length; k++) {
        const s = steps[k];
        let y: T4;
        if (s.kind === 'conv') {
          const [t, b, l, r] = s.pads;
          const same = t === b && l === r && t === l;
          // asymmetric padding: padded first (tfjs's fused depthwise takes one number)
          const xin = same ? vals.get(s.x)! : tf.pad(vals.get(s.x)!, [[0, 0], [t, b], [l, r], [0, 0]]);
          const w = weights[k]!;
          const args = { x: xin, filter: w.filter, strides: s.strides, pad: same ? t : 0, bias: w.bias };
          y = s.depthwise ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args);
          if (!same) xin.dispose();
          used(s.x);
        } else if (s.kind === 'add') {
          y = tf.add(vals.get(s.a)!, vals.get(s.b)!);
          used(s.a);
          used(s.b);
        } else {
          y = tf.mean(vals.get(s.x)!, [1, 2]) as unknown as T4;
          used(s.x);
        }
        if (s.kind !== 'pool' && s.clip) {
          const c = tf.clipByValue(y, s.clip[0], s.clip[1]);
          y.dispose();
          y = c;
        }
        vals.set(s.out, y);
      }
      const key = vals.has(planOutput) ? planOutput : steps[steps.length - 1].out;
      const out = vals.get(key)!;
      vals.delete(key);
      return out;
    } finally {
      vals.forEach((v) => v.dispose()); // nothing on success; what is left after an error
    }
  };
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
