// The walkthrough a person makes, in the production build, driven by Playwright: pick a real
// dataset folder, get recommendations, open a model's card, check the top models on the images
// (fine stage), export JSON and CSV, import the JSON back. Keyboard only where a person could be.
// Screenshots: test-results/e2e/walkthrough-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openApp, datasetFolder, skipReason, type AppSession } from './harness.ts';

const R = 'zs-app zs-results'; // Playwright's CSS engine pierces open shadow roots

test('walkthrough: folder in, recommendations, card, fine stage, export and import', { skip: skipReason, timeout: 600_000 }, async (t) => {
  const data = datasetFolder('pets', 3, 8);
  let app: AppSession | undefined;
  try {
    app = await openApp();
    const { page } = app;
    await app.pickFolder(data.dir);
    const result = await app.waitForResult();
    t.diagnostic(`run: ${result.stats}`);
    assert.match(result.heading, /^3 classes, 24 images embedded/);

    // recommendations: every zoo model ranked, costs predicted from this device's micro-benchmark
    await page.locator(`${R} #results-table tbody tr`).first().waitFor({ timeout: 120_000 });
    await page.locator(`${R} #pareto`).waitFor({ timeout: 180_000 });
    // the top pick by default: a real model (not one trained here), with evidence, within the
    // default budget of 10 images/s on this device when any model meets it
    const pick = await page.evaluate(() => {
      const el = document.querySelector('zs-app')!.shadowRoot!.querySelector('zs-results') as unknown as {
        rows(): { kind: string; evidence?: string; feasible: boolean; label: string; cost: { imagesPerSec: number } | null }[];
      };
      const rows = el.rows();
      return { top: rows[0], anyFeasible: rows.some((r) => r.feasible) };
    });
    t.diagnostic(`top pick: ${pick.top.label} (${pick.top.kind}, ${pick.top.evidence}, ${pick.top.cost?.imagesPerSec.toFixed(1)} images/s)`);
    assert.notEqual(pick.top.kind, 'zoo');
    assert.notEqual(pick.top.evidence, 'inferred');
    if (pick.anyFeasible) assert.ok(pick.top.feasible && pick.top.cost!.imagesPerSec >= 10, 'top pick within the default budget');
    t.diagnostic(await page.locator(`${R} #top-pick-why`).innerText());
    await app.screenshot('walkthrough-0-top-pick');
    // one table: the public catalogue's rows are in it, after the models measured here
    await page.waitForFunction(() => (document.querySelector('zs-app')!.shadowRoot!.querySelector('zs-results') as unknown as { rows(): { kind: string }[] }).rows().some((r) => r.kind === 'public'), null, { timeout: 120_000 });
    // the research zoo on, and every row shown, for the rest of the walkthrough
    await page.locator(`${R} #show-zoo`).check();
    await page.locator(`${R} #show-all-rows`).click();
    await page.locator(`${R} #results-table tbody tr`).nth(1000).waitFor({ timeout: 60_000 });
    const rows = await page.locator(`${R} #results-table tbody tr`).count();
    assert.ok(rows >= 52 + 944, `${rows} rows`);
    const top = await page.locator(`${R} #top-pick`).innerText();
    t.diagnostic(top);
    assert.match(top, /Top pick: \S+/);
    await app.screenshot('walkthrough-1-recommendations');

    // keyboard: reach the latency column's sort button and press Enter
    const sortLatency = page.locator(`${R} th button[data-sort="latencyMs"]`);
    await sortLatency.focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator(`${R} th[aria-sort="ascending"]`).innerText().then((s) => s.trim().startsWith('latency')), true);
    // a budget typed in
    const budget = page.locator(`${R} #budget-latency`);
    const lat = await page.locator(`${R} #results-table tbody tr`).nth(Math.floor(rows / 2)).locator('td').nth(4).innerText();
    await budget.fill(String(parseFloat(lat)));
    await budget.press('Enter');
    await budget.blur();
    const summary = await page.locator(`${R} #summary`).innerText();
    t.diagnostic(summary);
    const [feasible, total] = summary.match(/(\d+) of (\d+)/)!.slice(1).map(Number);
    assert.ok(feasible > 0 && feasible < total, summary);
    await budget.fill('');
    await budget.press('Enter');

    // every control of the results is labelled (accessible name)
    const unlabelled = await page.evaluate(() => {
      const root = document.querySelector('zs-app')!.shadowRoot!.querySelector('zs-results')!.shadowRoot!;
      return [...root.querySelectorAll('input, select, button')].filter((el) => {
        const e = el as HTMLElement;
        const name = e.getAttribute('aria-label') || e.closest('label')?.textContent?.trim() || e.textContent?.trim() || e.getAttribute('title');
        return !name;
      }).map((e) => e.outerHTML.slice(0, 80));
    });
    assert.deepEqual(unlabelled, []);

    // the card of the first model: why it is recommended
    await page.locator(`${R} #results-table tbody tr`).first().locator('button.link').click();
    await page.locator(`${R} #card #near li`).first().waitFor();
    assert.equal(await page.locator(`${R} #card #near li`).count(), 3);
    await page.locator(`${R} #ability`).waitFor();
    await app.screenshot('walkthrough-2-card');

    // the fine stage on the top 3
    await page.locator(`${R} #fine-run`).click();
    await page.locator(`${R} #fine-status`).filter({ hasText: /checked \d+ of 3/ }).waitFor({ timeout: 400_000 });
    const fine = await page.locator(`${R} #fine-status`).innerText();
    t.diagnostic(fine);
    assert.match(fine, /checked 3 of 3/);
    await page.locator(`${R} th button[data-sort="rank"]`).click(); // back to the final order
    await page.locator(`${R} th[aria-sort="ascending"] button[data-sort="rank"]`).waitFor();
    const checked = await page.locator(`${R} #results-table tbody tr`).evaluateAll((trs) => trs.slice(0, 3).map((tr) => tr.querySelectorAll('td')[3].textContent!.trim()));
    assert.ok(checked.every((c) => /%$/.test(c)), `top rows carry the measured accuracy: ${checked}`);
    await app.screenshot('walkthrough-3-checked');

    // export: JSON and CSV downloads, no file or class names inside
    const [jsonDl] = await Promise.all([page.waitForEvent('download'), page.locator(`${R} #export-json`).click()]);
    const json = readFileSync((await jsonDl.path())!, 'utf8');
    const rec = JSON.parse(json);
    assert.equal(rec.format, 'zooscout.recommendation');
    assert.equal(rec.rows.length, rows);
    assert.ok(rec.rows.slice(0, 3).every((r: { fine?: { status: string } }) => r.fine?.status === 'done'));
    const [csvDl] = await Promise.all([page.waitForEvent('download'), page.locator(`${R} #export-csv`).click()]);
    const csv = readFileSync((await csvDl.path())!, 'utf8');
    assert.equal(csv.trim().split('\n').length, rows + 1);
    for (const secret of [...data.classes, ...data.files.map((f) => f.split('/').pop()!)]) {
      assert.ok(!json.includes(secret) && !csv.includes(secret), `export mentions ${secret}`);
    }

    // import it back: read-only view of the same ranking
    await page.locator(`${R} #import-input`).setInputFiles((await jsonDl.path())!);
    await page.locator(`${R} #imported`).waitFor();
    assert.equal(await page.locator(`${R} #results-table tbody tr`).count(), rows);
    await app.screenshot('walkthrough-4-imported');
    assert.deepEqual(app.errors.filter((e) => !/favicon/.test(e)), []);
  } finally {
    await app?.close();
  }
});
