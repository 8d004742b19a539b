// Page side of bench:encode: the app's own encoder client (worker, onnxruntime-web) on the given files.
import { startEncoder } from '../../src/encode/client/encoder-client.ts';
import type { BackendPreference } from '../../src/encode/shared/types.ts';

export async function hasWebGpuAdapter(): Promise<string> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return 'none (navigator.gpu missing)';
  const a = await gpu.requestAdapter().catch(() => null);
  if (!a) return 'none (requestAdapter returned null)';
  const info = (a as GPUAdapter & { info?: GPUAdapterInfo }).info;
  return `${info?.vendor || 'unknown vendor'} ${info?.architecture || ''}`.trim();
}

export async function encodeInPage(encoderId: string, paths: string[], prefer: BackendPreference) {
  const files = await Promise.all(paths.map(async (p) => {
    const r = await fetch('/__shared/' + p.split('/').map(encodeURIComponent).join('/'));
    return { path: p, file: await r.blob() };
  }));
  const enc = await startEncoder({ encoderId, prefer, useCache: false });
  try {
    await enc.encode(files.slice(0, 4)); // warm-up: first runs compile kernels, never counted
    const t0 = performance.now();
    const res = await enc.encode(files);
    const seconds = (performance.now() - t0) / 1000;
    return {
      backend: enc.backend, seconds, images: res.indices.length, skipped: res.skipped.length,
      embeddings: Array.from(res.embeddings), dim: res.dim, timing: res.timing,
    };
  } finally {
    enc.terminate();
  }
}
