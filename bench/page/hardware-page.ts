// Runs in the bench's page: the hardware worker's micro-benchmark and model measurements, the
// same client code the app uses (no cache: every figure is measured now).
import { startHardware, zooModel } from '../../src/hardware/client/hardware-client.ts';
import type { HwBackend, MeasuredCost, MicroBench } from '../../src/hardware/shared/types.ts';

let handle: Awaited<ReturnType<typeof startHardware>> | null = null;

export async function start(backend: HwBackend, threads: number): Promise<{ isolated: boolean; threads: number }> {
  handle?.terminate();
  handle = await startHardware({ backend, threads, deviceKey: 'bench' });
  return { isolated: crossOriginIsolated, threads: handle.threads };
}

export async function micro(budgetMs: number): Promise<MicroBench> {
  return handle!.microBench(budgetMs);
}

export async function measure(entry: Parameters<typeof zooModel>[0], warmRuns: number, warmBudgetMs: number, batch: number): Promise<MeasuredCost> {
  const r = await handle!.measure(zooModel(entry), { useCache: false, options: { warmRuns, warmBudgetMs, throughputBatch: batch, throughputRuns: 5 } });
  return r.cost;
}

export function stop(): void {
  handle?.terminate();
  handle = null;
}
