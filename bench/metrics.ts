// `npm run bench:metrics [-- --n 2000 --d 512 --classes 10 --no-page]`
// 1. Recomputes the standard-evaluation heuristic rows of Model Spider's Table 2 from the released
//    scores and fine-tune GT in ../shared/gt and prints them beside the published cells.
// 2. Times every transferability score on a seeded synthetic N x D task in Node and, through
//    tools/browser.ts (openPage), inside a Web Worker in headless Chromium.
// The last line is the Table 2 verdict: `Table 2 cells reproduced: K/72 (max |diff| elsewhere X.XXX)`.
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable2, recomputeTable2 } from '../src/metrics/table2.ts';
import { computeScores, syntheticTask, SCORE_NAMES } from '../src/transfer/shared/index.ts';
import { linearProbe } from '../src/probe/shared/probe.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const n = flag('n', 2000);
const d = flag('d', 512);
const classes = flag('classes', 10);
const withPage = !args.includes('--no-page');

async function timings(): Promise<void> {
  console.log(`\nScore timings, synthetic task N=${n} D=${d} C=${classes} (seed 1):`);
  const task = syntheticTask(n, d, classes, 1);
  const node = computeScores(task);
  const t0 = performance.now();
  const probe = linearProbe(task.features, task.labels, n, d, { seed: 0, cGrid: [0.01, 0.1, 1], maxIter: 200 });
  const probeMs = performance.now() - t0;
  let page = null as Record<string, { value: number; ms: number }> | null;
  let pageNote = '';
  if (withPage) {
    const browserTool = join(root, 'tools', 'browser.ts');
    if (!existsSync(browserTool)) pageNote = 'page: skipped (tools/browser.ts not present)';
    else {
      try {
        // tools/browser.ts (the page slice) offers openPage().run(); runInPage() is the older shape.
        const mod = (await import(browserTool)) as {
          openPage?: () => Promise<{ run: (u: string, f: string, a: unknown[]) => Promise<unknown>; close: () => Promise<void> }>;
          runInPage?: (moduleUrl: string, exportName: string, args: unknown[]) => Promise<unknown>;
        };
        const pageArgs = [n, d, classes, 1];
        if (mod.openPage) {
          const session = await mod.openPage();
          try {
            page = (await session.run('/src/transfer/client/bench.ts', 'timeScoresInWorker', pageArgs)) as typeof page;
          } finally {
            await session.close();
          }
        } else if (mod.runInPage) {
          page = (await mod.runInPage('/src/transfer/client/bench.ts', 'timeScoresInWorker', pageArgs)) as typeof page;
        } else pageNote = 'page: skipped (tools/browser.ts exports neither openPage nor runInPage)';
      } catch (e) {
        pageNote = `page: failed (${(e as Error).message.split('\n')[0]})`;
      }
    }
  } else pageNote = 'page: skipped (--no-page)';
  const head = `${'score'.padEnd(22)}${'value (Node)'.padStart(16)}${'Node ms'.padStart(10)}${page ? 'page ms'.padStart(10) + '  same value' : ''}`;
  console.log(head);
  for (const name of SCORE_NAMES) {
    const r = node[name];
    if (!r) continue;
    let line = `${name.padEnd(22)}${r.value.toPrecision(8).padStart(16)}${r.ms.toFixed(1).padStart(10)}`;
    if (page?.[name]) {
      const p = page[name];
      const same = Math.abs(p.value - r.value) <= 1e-9 * Math.max(1, Math.abs(r.value));
      line += `${p.ms.toFixed(1).padStart(10)}  ${same ? 'yes' : `NO (${p.value})`}`;
    }
    console.log(line);
  }
  console.log(`${'linear probe (L-BFGS)'.padEnd(22)}${probe.accuracy.toFixed(4).padStart(16)}${probeMs.toFixed(1).padStart(10)}  (3 C x 3 folds + refit, Node)`);
  if (pageNote) console.log(pageNote);
}

async function main(): Promise<void> {
  await timings();
  const gt = join(root, '..', 'shared', 'gt', 'model_spider');
  const read = (f: string) => readFileSync(join(gt, f), 'utf8');
  const res = recomputeTable2(read('standard_finetune.csv'), read('standard_heuristics.csv'), read('published_table2.csv'));
  console.log('\nModel Spider Table 2, standard evaluation: weightedtau(GT, score, rank=None), ours/published (* = differs)');
  console.log(formatTable2(res));
  console.log(`Table 2 cells reproduced: ${res.reproduced}/${res.cells.length} (max |diff| elsewhere ${res.maxDiffElsewhere.toFixed(3)})`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
