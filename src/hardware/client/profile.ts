// Device profile, gathered in the page: WebGPU adapter (vendor, architecture, fallback flag,
// limits), cores, deviceMemory, storage estimate; the micro-benchmarks run in the hardware worker.
import { HARDWARE_FORMAT_VERSION, type AdapterProfile, type DeviceProfile, type HwBackend } from '../shared/types.ts';

type AdapterLike = GPUAdapter & { info?: GPUAdapterInfo; isFallbackAdapter?: boolean; requestAdapterInfo?: () => Promise<GPUAdapterInfo> };

export async function webgpuAdapterProfile(): Promise<DeviceProfile['webgpu']> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { available: false, why: 'this browser exposes no WebGPU (navigator.gpu missing)', adapter: null };
  let adapter: AdapterLike | null;
  try {
    adapter = (await gpu.requestAdapter()) as AdapterLike | null;
  } catch (e) {
    return { available: false, why: `WebGPU adapter request failed: ${(e as Error).message}`, adapter: null };
  }
  if (!adapter) return { available: false, why: 'WebGPU present but no adapter (no usable GPU)', adapter: null };
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? ({} as GPUAdapterInfo);
  const fallback = (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  const limits: Record<string, number> = {};
  for (const k in adapter.limits) {
    const v = (adapter.limits as unknown as Record<string, unknown>)[k];
    if (typeof v === 'number') limits[k] = v;
  }
  const a: AdapterProfile = {
    vendor: info.vendor ?? '', architecture: info.architecture ?? '', device: info.device ?? '', description: info.description ?? '',
    isFallbackAdapter: Boolean(fallback), features: [...adapter.features].map(String).sort(), limits,
  };
  return { available: true, why: fallback ? 'fallback (software) adapter: expect CPU-like speed' : '', adapter: a };
}

export async function storageEstimate(): Promise<DeviceProfile['storage']> {
  try {
    const e = await navigator.storage?.estimate?.();
    return e ? { quota: e.quota ?? 0, usage: e.usage ?? 0 } : null;
  } catch {
    return null;
  }
}

/** Everything but the micro-benchmarks (cheap: no worker, no model). */
export async function basicProfile(): Promise<DeviceProfile> {
  const nav = navigator as Navigator & { deviceMemory?: number };
  return {
    version: HARDWARE_FORMAT_VERSION,
    userAgent: nav.userAgent,
    cores: nav.hardwareConcurrency ?? null,
    deviceMemoryGB: nav.deviceMemory ?? null,
    storage: await storageEstimate(),
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    webgpu: await webgpuAdapterProfile(),
    micro: {},
    gatheredAt: Date.now(),
  };
}

/** A stable key for "this device, this browser": cached costs are only reused under the same key. */
export async function deviceKey(p: DeviceProfile): Promise<string> {
  const a = p.webgpu.adapter;
  const s = [p.userAgent, p.cores, p.deviceMemoryGB, a?.vendor, a?.architecture, a?.device, a?.description, a?.isFallbackAdapter].join('|');
  const h = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s)));
  return [...h.slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function backendsOf(p: DeviceProfile): HwBackend[] {
  return p.webgpu.available ? ['wasm', 'webgpu'] : ['wasm'];
}
