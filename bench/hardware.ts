// `npm run bench:hardware`: measures every zoo model in headless Chromium (onnxruntime-web WASM,
// in the hardware worker, the app's own code) and compares each measured warm latency with the
// cost model's prediction. The headline predictor is calibrated on the micro-benchmark only (tiny
// single-operator graphs) plus each family's graph structure; it never sees a measured model
// latency. For comparison, a leave-one-family-out log-log fit of latency on MACs is also scored
// (fit on three families' measurements, scored on the fourth).
// Options: --threads N (default 1), --passes N (default 2), --models REGEX, --budget MS (warm
// budget per model per pass, default 800), --micro MS (micro-benchmark budget, default 3000),
// --webgpu REGEX (first, in a second Chromium with SwiftShader's WebGPU: measure the matching
// models on WebGPU and print their cold vs warm figures; slow: tens of seconds per model).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { openPage } from '../tools/browser.ts';
// @ts-expect-error plain .mjs config module
import { webgpuArgs } from '../tools/wtr/server.mjs';
import { predictCost, leaveOneFamilyOut, relativeErrors } from '../src/hardware/shared/cost-model.ts';
import { median, quantile } from '../src/hardware/shared/stats.ts';
import { kendallTauB } from '../src/metrics/ranking.ts';
import type { MeasuredCost, MicroBench } from '../src/hardware/shared/types.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const threads = Number(arg('threads', '1'));
const passes = Number(arg('passes', '2'));
const budget = Number(arg('budget', '800'));
const microBudget = Number(arg('micro', '3000'));
const only = new RegExp(arg('models', '.'));
const webgpu = arg('webgpu', '');

interface Entry { id: string; family: string; file: string; sha256: string; bytes: number; params: number; macs: number; input: { name: string; shape: (string | number)[] } }
const cat = JSON.parse(readFileSync('models/zoo/catalogue.json', 'utf8')) as { models: Entry[] };
const models = cat.models.filter((m) => only.test(m.id));
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const f = (x: number, d = 2) => x.toFixed(d);

console.log(`bench:hardware — ${models.length} zoo models, WASM, ${threads} thread(s), ${passes} pass(es); ${cpus().length} cores, load average ${load()}`);
const t0 = Date.now();
if (webgpu) {
  const gp = await openPage({ extraArgs: webgpuArgs });
  try {
    for (const m of cat.models.filter((x) => new RegExp(webgpu).test(x.id))) {
      const r = await gp.run<{ cost: MeasuredCost }>('/bench/page/hardware-webgpu-probe.ts', 'probe', [m]);
      const c = r.cost;
      console.log(`webgpu (SwiftShader) ${m.id}: create ${f(c.createMs, 0)} ms, cold ${f(c.coldMs, 0)} ms, warm p50 ${f(c.warm.p50, 1)} ms (p90 ${f(c.warm.p90, 1)}, n ${c.warm.n}), ${f(c.throughput.imagesPerSec, 1)} img/s @${c.throughput.batch}`);
    }
  } finally {
    await gp.close();
  }
}
const page = await openPage();
try {
  const info = await page.run<{ isolated: boolean; threads: number }>('/bench/page/hardware-page.ts', 'start', ['wasm', threads]);
  console.log(`page: crossOriginIsolated ${info.isolated}, threads ${info.threads}`);
  const mb = await page.run<MicroBench>('/bench/page/hardware-page.ts', 'micro', [microBudget]);
  console.log(`micro-benchmark (${f(mb.wallMs / 1000, 1)} s): per run ${f(mb.runMs, 3)} ms, per node ${f(mb.nodeMs, 4)} ms, per element ${(mb.elemMs * 1e6).toFixed(3)} ns`);
  for (const [k, v] of Object.entries(mb.macsPerMs)) console.log(`  ${k.padEnd(10)} ${f(v / 1e6, 3)} GMAC/s`);
  for (const [k, p] of Object.entries(mb.probes)) console.log(`  probe ${k.padEnd(13)} p50 ${f(p.p50, 3)} ms  iqr ${f(p.iqr, 3)}  n ${p.n}`);

  const runs: MeasuredCost[][] = models.map(() => []);
  for (let pass = 0; pass < passes; pass++) {
    for (let i = 0; i < models.length; i++) {
      runs[i].push(await page.run<MeasuredCost>('/bench/page/hardware-page.ts', 'measure', [models[i], 40, budget, 16]));
    }
    console.log(`pass ${pass + 1} done (${f((Date.now() - t0) / 1000, 0)} s), load average ${load()}`);
  }
  const measured = runs.map((r) => median(r.map((c) => c.warm.p50)));
  const pred = models.map((m) => predictCost({ id: m.id, family: m.family, macs: m.macs, params: m.params, bytes: m.bytes }, mb, 16).warmP50Ms);
  const lofo = leaveOneFamilyOut(models.map((m, i) => ({ family: m.family, macs: m.macs, measuredMs: measured[i] })));

  console.log('\nmodel                          family       MMACs  cold ms  warm p50  (p90, iqr)        img/s@16  peak MB  predicted  LOFO');
  models.forEach((m, i) => {
    const c = runs[i][0];
    console.log(
      `${m.id.padEnd(30)} ${m.family.padEnd(11)} ${f(m.macs / 1e6).padStart(6)} ${f(c.coldMs, 1).padStart(8)} ${f(measured[i], 3).padStart(9)}  (${f(c.warm.p90, 3)}, ${f(c.warm.iqr, 3)})`.padEnd(100) +
      `${f(median(runs[i].map((r) => r.throughput.imagesPerSec)), 0).padStart(8)} ${f(c.peakMemoryBytes / 1e6, 2).padStart(8)} ${f(pred[i], 3).padStart(10)} ${f(lofo[i], 3).padStart(6)}`,
    );
  });
  const fams = [...new Set(models.map((m) => m.family))];
  console.log('\nper family: median measured / median predicted (ms)');
  for (const fam of fams) {
    const idx = models.map((m, i) => (m.family === fam ? i : -1)).filter((i) => i >= 0);
    console.log(`  ${fam.padEnd(12)} ${f(median(idx.map((i) => measured[i])), 3)} / ${f(median(idx.map((i) => pred[i])), 3)}`);
  }
  if (passes >= 2) {
    const a = runs.map((r) => r[0].warm.p50), b = runs.map((r) => r[1].warm.p50);
    console.log(`noise ceiling: kendall tau between pass 1 and pass 2 measurements ${f(kendallTauB(a, b), 3)}; median |pass1 - pass2| / pass2 ${f(median(relativeErrors(a, b)), 3)}`);
  }
  const spread = runs.map((r) => r[0].warm.iqr / r[0].warm.p50);
  console.log(`warm spread: median iqr/p50 ${f(median(spread), 3)}, 90th percentile ${f(quantile(spread, 0.9), 3)}`);
  const rl = relativeErrors(lofo, measured);
  console.log(`leave-one-family-out log-log fit on MACs (for comparison): kendall tau ${f(kendallTauB(lofo, measured), 3)}, median rel error ${f(median(rl), 2)}`);
  console.log(`load average at the end ${load()}; wall ${f((Date.now() - t0) / 1000, 0)} s`);
  console.log(`predictor: micro-benchmark calibration + family structure (no model latency seen)`);
  console.log(`latency prediction kendall tau: ${f(kendallTauB(pred, measured), 3)}, median rel error: ${f(median(relativeErrors(pred, measured)), 2)}`);
  // raw figures, for docs and for rescoring without measuring again
  mkdirSync('.cache/hardware', { recursive: true });
  writeFileSync('.cache/hardware/bench-last.json', JSON.stringify({ load: loadavg(), micro: mb, models: models.map((m, i) => ({ id: m.id, family: m.family, macs: m.macs, runs: runs[i], predicted: pred[i], lofo: lofo[i] })) }, null, 1));
  await page.run('/bench/page/hardware-page.ts', 'stop');
} finally {
  await page.close();
}
