// bench:hardware --webgpu: a short WebGPU measurement of a zoo model, with the time of each phase.
import { startHardware, zooModel } from '../../src/hardware/client/hardware-client.ts';
export async function probe(entry: Parameters<typeof zooModel>[0]) {
  const h = await startHardware({ backend: 'webgpu', deviceKey: 'probe' });
  const t0 = performance.now();
  const log: string[] = [];
  try {
    const r = await h.measure(zooModel(entry), {
      useCache: false, options: { warmRuns: 5, warmBudgetMs: 200, throughputBatch: 2, throughputRuns: 2 },
      onProgress: (p) => { log.push(`${((performance.now() - t0) / 1000).toFixed(1)}s ${p.phase} ${p.done}/${p.total}`); },
    });
    return { log, cost: r.cost };
  } finally {
    h.terminate();
  }
}
