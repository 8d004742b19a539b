// tfjs backends in the page: WebGPU and WASM are registered lazily (dynamic import of their
// self-contained bundles, only when asked for), and `chooseBackend` takes the first of a preference
// list that initialises AND agrees with the CPU backend on a fixed check, recording why every
// earlier one was skipped. The backend bundles import '@tensorflow/tfjs-core'; Vite (resolve.alias)
// and the test server (tools/wtr/server.mjs) resolve it to the tfjs bundle the app already loads
// (./tf.ts), so there is one engine and one kernel registry.
import { tf } from './tf.ts';

export type TfBackend = 'webgpu' | 'wasm' | 'webgl' | 'cpu';

export interface BackendSkip {
  backend: string;
  why: string;
}

export interface BackendChoice {
  backend: string;
  /** every backend tried before the chosen one, with the reason it was not used */
  skipped: BackendSkip[];
  /** the check against CPU of the chosen backend (absent for cpu) */
  check?: { maxAbsDiff: number; ms: number };
}

/** Same-origin folder of tfjs-backend-wasm's .wasm files: `vite build` copies them to tfjs-wasm/,
 * `vite` and the test server serve them there. */
export const TFJS_WASM_DIR = 'tfjs-wasm/';

/** A computation on the current backend; compared between the candidate and CPU. */
export type BackendCheck = () => Float32Array | Promise<Float32Array>;

export interface ChooseOptions {
  /** what the caller will run (default: a small fixed attention-like computation) */
  check?: BackendCheck;
  /** largest |candidate - cpu| accepted (default 1e-3) */
  tolerance?: number;
  /** base URL the WASM binaries are under (default: TFJS_WASM_DIR against the document) */
  wasmBase?: string;
}

const registering = new Map<string, Promise<string | null>>();

async function webgpuAdapterWhy(): Promise<string | null> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: GPU } | undefined)?.gpu;
  if (!gpu) return 'this browser exposes no WebGPU (navigator.gpu missing)';
  try {
    return (await gpu.requestAdapter()) ? null : 'WebGPU present but no adapter (no usable GPU)';
  } catch (e) {
    return `WebGPU adapter request failed: ${(e as Error).message}`;
  }
}

/** Registers a lazily loaded backend once; resolves to null, or to why it cannot be used. */
function register(name: string, wasmBase: string): Promise<string | null> {
  if (tf.engine().registryFactory[name]) return Promise.resolve(null);
  let p = registering.get(name);
  if (!p) {
    p = (async () => {
      // a page or a worker (the fine stage runs tfjs models in one); never Node
      const browser = typeof document !== 'undefined' || typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
      if (!browser && name !== 'cpu') return `${name}: only registered in a browser (page or worker)`;
      if (name === 'webgpu') {
        const why = await webgpuAdapterWhy();
        if (why) return why;
        await import('@tensorflow/tfjs-backend-webgpu/dist/tf-backend-webgpu.fesm.js');
      } else if (name === 'wasm') {
        const wasm = await import('@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.fesm.js');
        wasm.setWasmPaths(wasmBase);
        // single thread (the SIMD binary, else the plain one): the threaded build starts its
        // pthread workers from the source text of its own bundle, which breaks once a bundler has
        // rewritten that bundle (Vite dev: every worker fails and the page dies); the ranker's
        // work is far too small to gain from threads anyway
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      }
      return tf.engine().registryFactory[name] ? null : `the ${name} backend did not register`;
    })().catch((e: Error) => `loading the ${name} backend failed: ${e.message}`);
    registering.set(name, p);
  }
  return p;
}

/** Fixed input, same on every device: matmuls, softmax, tanh, relu, mean, the ranker's kind of ops. */
function defaultCheck(): Float32Array {
  const y = tf.tidy(() => {
    const n = 12, d = 24;
    const v = (k: number) => Float32Array.from({ length: k }, (_, i) => Math.sin(i * 0.731 + 0.3) * Math.cos(i * 0.117));
    const x = tf.tensor2d(v(n * d), [n, d]);
    const w = tf.tensor2d(v(d * d).map((a) => a * 0.3), [d, d]);
    const q = tf.tanh(tf.matMul(x, w));
    const att = tf.softmax(tf.div(tf.matMul(q, x, false, true), Math.sqrt(d)));
    const h = tf.relu(tf.add(tf.matMul(att, x), q));
    return tf.concat([tf.mean(h, 1), tf.sum(tf.square(h), 1)]);
  });
  const out = y.dataSync() as Float32Array;
  y.dispose();
  return out;
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Number.isFinite(a[i]) ? Math.abs(a[i] - b[i]) : Infinity);
  return m;
};

/** Backends refused by a check in this page, with the reason: removed from tfjs (so nothing else
 * picks them by priority, as an unchecked WebGPU would be) and skipped by later calls. */
const refused = new Map<string, string>();

/**
 * Sets the first backend of `prefer` that registers, initialises and (all but cpu) gives the CPU
 * backend's results on the check within `tolerance`. Throws when none does. The check must make
 * its own tensors: data moved off a faulty backend can come back wrong (SwiftShader's WebGPU here
 * reads back zeros), so nothing that should outlive a refusal may touch the candidate.
 */
export async function chooseBackend(prefer: string[] = ['webgpu', 'wasm', 'cpu'], opts: ChooseOptions = {}): Promise<BackendChoice> {
  const skipped: BackendSkip[] = [];
  const check = opts.check ?? defaultCheck;
  const tolerance = opts.tolerance ?? 1e-3;
  const wasmBase = opts.wasmBase ?? (typeof document !== 'undefined' ? new URL(TFJS_WASM_DIR, document.baseURI).href : TFJS_WASM_DIR);
  let reference: Float32Array | null = null;
  for (const name of prefer) {
    const earlier = refused.get(name);
    if (earlier) {
      skipped.push({ backend: name, why: earlier });
      continue;
    }
    const notRegistered = await register(name, wasmBase);
    if (notRegistered) {
      skipped.push({ backend: name, why: notRegistered });
      continue;
    }
    try {
      // the CPU reference first, before any data has been near the candidate
      if (name !== 'cpu' && !reference) {
        await tf.setBackend('cpu');
        reference = await check();
      }
      if (!(await tf.setBackend(name))) {
        skipped.push({ backend: name, why: `${name} backend failed to initialise` });
        continue;
      }
      await tf.ready();
    } catch (e) {
      skipped.push({ backend: name, why: `${name} backend failed to initialise: ${(e as Error).message}` });
      continue;
    }
    if (name === 'cpu') return { backend: name, skipped };
    let why: string;
    try {
      const t0 = performance.now();
      const got = await check();
      const ms = performance.now() - t0;
      const diff = maxAbsDiff(got, reference!);
      if (diff <= tolerance) return { backend: name, skipped, check: { maxAbsDiff: diff, ms } };
      const zeros = got.length > 0 && got.every((v) => v === 0) && reference!.some((v) => v !== 0);
      why = `${name} results differ from the CPU backend on the check input (max |diff| ${diff.toPrecision(3)} > ${tolerance}${zeros ? '; they read back as all zeros' : ''})`;
    } catch (e) {
      why = `${name} failed the check run: ${(e as Error).message}`;
    }
    skipped.push({ backend: name, why });
    refused.set(name, why);
    await tf.setBackend('cpu');
    try {
      tf.removeBackend(name);
    } catch {
      // already gone
    }
  }
  throw new Error(`no tfjs backend among ${prefer.join(', ')}: ${skipped.map((s) => s.why).join('; ')}`);
}
