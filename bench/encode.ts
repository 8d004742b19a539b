// npm run bench:encode — images/s of the encoder in the page (headless Chromium: WASM, and WebGPU
// when an adapter exists) and in onnxruntime-node, on the same images, measured now.
// Both sides include decode + preprocess + inference (the page also hashes each file).
// Flags: --n N (images, default 96), --encoder ID, --threads T (Node intra-op threads, default 2).
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { openPage } from '../tools/browser.ts';
// @ts-expect-error plain .mjs config module
import { webgpuArgs } from '../tools/wtr/server.mjs';
import { loadNodeEncoder } from '../src/encode/node/encoder.ts';
import { decodeImage } from '../src/encode/node/decode.ts';
import { DEFAULT_ENCODER_ID } from '../src/encode/shared/manifest.ts';
import { cosine } from '../src/encode/shared/vec.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const n = Number(arg('n', '96'));
const encoderId = arg('encoder', DEFAULT_ENCODER_ID);
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

console.log(`bench:encode — ${paths.length} images from ${sets.join(', ')}, encoder ${encoderId}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)}`);

// Node: onnxruntime-node, same preprocessing module
const enc = await loadNodeEncoder(encoderId, { threads });
const bytes = paths.map((p) => new Uint8Array(readFileSync(`../shared/${p}`)));
await enc.embed(bytes.slice(0, 4).map(decodeImage)); // warm-up
let t0 = performance.now();
const nodeVecs = await enc.embed(bytes.map(decodeImage));
const nodeSec = (performance.now() - t0) / 1000;
await enc.release();
const nodeRate = paths.length / nodeSec;
console.log(`node  onnxruntime-node (cpu, ${threads} threads): ${nodeRate.toFixed(1)} images/s (${nodeSec.toFixed(2)} s)`);

async function pageRun(label: string, extraArgs: string[], prefer: 'wasm' | 'webgpu') {
  const s = await openPage({ log: false, extraArgs });
  try {
    const adapter = await s.run<string>('/bench/page/encode-page.ts', 'hasWebGpuAdapter');
    if (prefer === 'webgpu' && adapter.startsWith('none')) {
      console.log(`page  ${label}: no WebGPU adapter here (${adapter}); not measured`);
      return null;
    }
    t0 = performance.now();
    const r = await s.run<{ backend: { backend: string; reason: string; threads: number }; seconds: number; images: number; embeddings: number[]; dim: number; timing: { readMs: number; decodeMs: number; embedMs: number } }>(
      '/bench/page/encode-page.ts', 'encodeInPage', [encoderId, paths, prefer]);
    const rate = r.images / r.seconds;
    const cos = nodeVecs.map((v, i) => cosine(v, r.embeddings.slice(i * r.dim, (i + 1) * r.dim)));
    console.log(`page  ${label} → ran on ${r.backend.backend} (${r.backend.threads} threads; ${r.backend.reason || 'as asked'}): ` +
      `${rate.toFixed(1)} images/s (${r.seconds.toFixed(2)} s); min cosine to node ${Math.min(...cos).toFixed(5)}`);
    const per = (ms: number) => `${(ms / r.images).toFixed(1)} ms`;
    console.log(`      per image: read+hash ${per(r.timing.readMs)}, decode+preprocess ${per(r.timing.decodeMs)}, inference ${per(r.timing.embedMs)}`);
    return r.backend.backend === prefer ? rate : null;
  } finally {
    await s.close();
  }
}

const wasmRate = await pageRun('WASM', [], 'wasm');
// WebGPU: only where Chromium finds an adapter (a real GPU, or SwiftShader's software Vulkan)
await pageRun('WebGPU', webgpuArgs, 'webgpu');
if (wasmRate == null) throw new Error('the WASM page run did not happen');
console.log(`encode page/node ratio: ${(wasmRate / nodeRate).toFixed(2)}`);
