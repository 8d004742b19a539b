// Page side of bench:encode: the app's own encoder client (worker, onnxruntime-web) on the given files.
import { startEncoder } from '../../src/encode/client/encoder-client.ts';
import type { BackendPreference } from '../../src/encode/shared/types.ts';

export async function hasWebGpuAdapter(): Promise<string> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return 'none (navigator.gpu missing)';
  const a = await gpu.requestAdapter().catch(() => null);
  if (!a) return 'none (requestAdapter returned null)';
  const info = (a as GPUAdapter & { info?: GPUAdapterInfo }).info;
  const fallback = (info as unknown as { isFallbackAdapter?: boolean })?.isFallbackAdapter ?? (a as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  if (fallback) return `software (a fallback adapter: ${info?.vendor || 'unknown vendor'} ${info?.architecture || ''})`.trim();
  return `${info?.vendor || 'unknown vendor'} ${info?.architecture || ''}`.trim();
}

export async function encodeInPage(encoderId: string, paths: string[], prefer: BackendPreference, workers?: number, runtime?: 'auto' | 'onnxruntime-web') {
  const files = await Promise.all(paths.map(async (p) => {
    const r = await fetch('/__shared/' + p.split('/').map(encodeURIComponent).join('/'));
    return { path: p, file: await r.blob() };
  }));
  const enc = await startEncoder({ encoderId, prefer, useCache: false, workers, runtime });
  try {
    // warm-up: first runs compile kernels, never counted (a share per worker)
    await enc.encode(files.slice(0, 16 * (enc.backend.workers ?? 1)));
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
