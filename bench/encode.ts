// npm run bench:encode — images/s of the encoder in the page (headless Chromium: WASM, and WebGPU
// when an adapter exists) and in onnxruntime-node, on the same images, measured now.
// Both sides include decode + preprocess + inference (the page also hashes each file).
// Measures the default encoder and the other MobileNetV2 variants (the int8 zoo file; the float32
// graph derived from it, at 224 px beside the default's 160), each as the page runs it (runtime and
// workers of its own choosing), in one worker, and in a pool of two single-threaded workers; an
// encoder that runs on tfjs also on onnxruntime-web. The speed-ups are against the int8 encoder in
// one worker on onnxruntime-web, measured in the same run. The last line is the first encoder's
// (the default's) page/Node ratio as the page runs it.
// Flags: --n N (images, default 96), --encoder ID[,ID] (instead of those three), --threads T (Node intra-op threads, default 2).
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { openPage } from '../tools/browser.ts';
// @ts-expect-error plain .mjs config module
import { webgpuArgs } from '../tools/wtr/server.mjs';
import { loadNodeEncoder } from '../src/encode/node/encoder.ts';
import { decodeImage } from '../src/encode/node/decode.ts';
import { DEFAULT_ENCODER_ID, encoderById } from '../src/encode/shared/manifest.ts';
import { cosine } from '../src/encode/shared/vec.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const n = Number(arg('n', '96'));
const BASE = 'mobilenetv2-12-int8';
const encoderIds = arg('encoder', [DEFAULT_ENCODER_ID, ...['mobilenetv2-12-int8', 'mobilenetv2-12-f32'].filter((x) => x !== DEFAULT_ENCODER_ID)].join(',')).split(',');
const threads = Number(arg('threads', String(Math.min(4, cpus().length))));

// a fixed spread of real images from several datasets
const sets = ['pets', 'dtd', 'cifar10', 'brain_tumor_mri', 'flowers102', 'aid'];
const paths: string[] = [];
for (const s of sets) {
  const rows = readFileSync(`../shared/datasets/${s}/files.csv`, 'utf8').trim().split('\n').slice(1);
  const step = Math.max(1, Math.floor(rows.length / Math.ceil(n / sets.length)));
  for (let i = 0; i < rows.length && paths.length < n && i / step < Math.ceil(n / sets.length); i += step) {
    paths.push(`datasets/${s}/${rows[i].split(',')[0]}`);
  }
}
const bytes = paths.map((p) => new Uint8Array(readFileSync(`../shared/${p}`)));

console.log(`bench:encode — ${paths.length} images from ${sets.join(', ')}, encoders ${encoderIds.join(', ')} (default ${DEFAULT_ENCODER_ID}), ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)}`);

type PageResult = { backend: { backend: string; reason: string; threads: number; workers?: number; runtime?: string }; seconds: number; images: number; embeddings: number[]; dim: number; timing: { readMs: number; decodeMs: number; embedMs: number } };

async function pageRun(encoderId: string, nodeVecs: Float32Array[], label: string, extraArgs: string[], prefer: 'wasm' | 'webgpu', workers?: number, runtime?: 'onnxruntime-web') {
  const s = await openPage({ log: false, extraArgs });
  try {
    const adapter = await s.run<string>('/bench/page/encode-page.ts', 'hasWebGpuAdapter');
    if (prefer === 'webgpu' && adapter.startsWith('software')) {
      // a CPU rasteriser behind WebGPU (SwiftShader): minutes per batch, never what the page picks on its own
      console.log(`page  ${label}: the only adapter is ${adapter}; not measured`);
      return null;
    }
    if (prefer === 'webgpu' && adapter.startsWith('none')) {
      console.log(`page  ${label}: no WebGPU adapter here (${adapter}); not measured`);
      return null;
    }
    const r = await s.run<PageResult>('/bench/page/encode-page.ts', 'encodeInPage', [encoderId, paths, prefer, workers, runtime]);
    const rate = r.images / r.seconds;
    const cos = nodeVecs.map((v, i) => cosine(v, r.embeddings.slice(i * r.dim, (i + 1) * r.dim)));
    console.log(`page  ${label} → ran on ${r.backend.backend}, ${r.backend.runtime ?? 'onnxruntime-web'} (${r.backend.workers ?? 1} worker(s) x ${r.backend.threads} thread(s); ${r.backend.reason || 'as asked'}): ` +
      `${rate.toFixed(1)} images/s (${r.seconds.toFixed(2)} s); min cosine to node ${Math.min(...cos).toFixed(5)}`);
    const per = (ms: number) => `${(ms / r.images).toFixed(1)} ms`;
    console.log(`      per image (CPU time, summed over workers): read+hash ${per(r.timing.readMs)}, decode+preprocess ${per(r.timing.decodeMs)}, inference ${per(r.timing.embedMs)}`);
    return r.backend.backend === prefer ? { rate, workers: r.backend.workers ?? 1 } : null;
  } finally {
    await s.close();
  }
}

const res = new Map<string, { node: number; page: number | null; workers: number; one: number | null; ortOne: number | null; pool: number | null }>();
for (const encoderId of encoderIds) {
  console.log(`\n${encoderId}${encoderId === DEFAULT_ENCODER_ID ? ' (the default)' : ''}`);
  // Node: onnxruntime-node, same preprocessing module
  const enc = await loadNodeEncoder(encoderId, { threads });
  await enc.embed(bytes.slice(0, 4).map(decodeImage)); // warm-up
  const t0 = performance.now();
  const nodeVecs = await enc.embed(bytes.map(decodeImage));
  const nodeSec = (performance.now() - t0) / 1000;
  await enc.release();
  const nodeRate = paths.length / nodeSec;
  console.log(`node  onnxruntime-node (cpu, ${threads} threads): ${nodeRate.toFixed(1)} images/s (${nodeSec.toFixed(2)} s)`);
  // the page's own setup (its runtime and number of workers for this encoder on this machine)
  const page = await pageRun(encoderId, nodeVecs, 'WASM, as the page runs it', [], 'wasm');
  const one = page && page.workers === 1 ? page : await pageRun(encoderId, nodeVecs, 'WASM, one worker', [], 'wasm', 1);
  // an encoder on tfjs: the same graph on onnxruntime-web (one worker, every thread), the path it replaced
  const ortOne = encoderById(encoderId).wasmRuntime
    ? await pageRun(encoderId, nodeVecs, 'WASM, one worker, onnxruntime-web instead of tfjs', [], 'wasm', 1, 'onnxruntime-web')
    : null;
  const pool = page && page.workers === 2 ? page : await pageRun(encoderId, nodeVecs, 'WASM, a pool of 2 workers', [], 'wasm', 2);
  // WebGPU: only where Chromium finds an adapter (a real GPU, or SwiftShader's software Vulkan)
  if (encoderId === DEFAULT_ENCODER_ID) await pageRun(encoderId, nodeVecs, 'WebGPU', webgpuArgs, 'webgpu');
  res.set(encoderId, { node: nodeRate, page: page?.rate ?? null, workers: page?.workers ?? 1, one: one?.rate ?? null, ortOne: ortOne?.rate ?? null, pool: pool?.rate ?? null });
}
const base = res.get(BASE)?.one;
console.log('');
for (const [id, r] of res) {
  const vs = (x: number | null) => (base && x ? ` (${(x / base).toFixed(2)}x)` : '');
  const ort = r.ortOne ? `, ${r.ortOne.toFixed(1)} in one worker on onnxruntime-web${vs(r.ortOne)}` : '';
  console.log(`${id}: page ${r.page?.toFixed(1) ?? '-'} images/s as the page runs it (${r.workers} worker(s))${vs(r.page)}; ${r.one?.toFixed(1) ?? '-'} in one worker${vs(r.one)}${ort}, ${r.pool?.toFixed(1) ?? '-'} in a pool of 2${vs(r.pool)}; node ${r.node.toFixed(1)}`);
}
if (base) console.log(`(Nx: images/s over the ${BASE} encoder in one worker on onnxruntime-web, the page's encoder when the encoder issue was filed, measured in this run)`);
const d = res.get(encoderIds[0])!;
if (d.page == null) throw new Error('the WASM page run did not happen');
console.log(`encode page/node ratio: ${(d.page / d.node).toFixed(2)}`);
