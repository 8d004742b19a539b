// <zs-results>: the recommendation a person acts on. Ranked table (sortable, filterable, budgets as
// controls), Pareto chart of fit score vs latency here, a card per model saying why, the fine
// stage ("check the top k here"), the user's own models, and export/import. It renders and emits
// events; the app runs the heavy work (workers) and feeds the results back in.
import { LitElement, html, css, nothing, type PropertyValues } from 'lit';
import type { Chart } from 'chart.js';
import type { Budgets, CombineMethod } from '../../hardware/shared/combine.ts';
import type { DeviceProfile } from '../../hardware/shared/types.ts';
import {
  buildRows, sortRows, whyTopPick, DEFAULT_MIN_IMAGES_PER_SEC, filterRows, toCsv, parseRecommendation, RECOMMENDATION_FORMAT, RECOMMENDATION_VERSION,
  type CandidateInput, type DatasetSummary, type Recommendation, type ResultRow, type SortKey,
} from '../shared/recommendation.ts';
import { abilityChart, paretoChart } from './charts.ts';
import type { Explanation } from './session.ts';

export interface FineUiState {
  running: boolean;
  /** e.g. "features · model 2 of 3 · 40 / 60 images · 12.0 images/s · about 5 s left" */
  line: string;
  done: number;
  total: number;
  note: string;
  /** why the check cannot run on this data (e.g. one image per class), or '' */
  blocked?: string;
}

const mb = (b: number | null | undefined) => (b == null ? '—' : `${(b / 1e6).toFixed(b < 1e7 ? 2 : 1)} MB`);
const msf = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
const compact = (n: number | null) => (n == null ? '—' : n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(n));

/** rows shown before "show all" (the public catalogue adds ~900 after the models measured here) */
const ROWS_SHOWN = 60;

const COLUMNS: { key: SortKey; label: string; title: string }[] = [
  { key: 'rank', label: '#', title: 'final position under your budgets' },
  { key: 'label', label: 'model', title: 'open the card: why this model' },
  { key: 'rankerScore', label: 'fit score', title: 'fit for your data, 0..1: for a model measured here, its standing predicted from every measured task and how tasks like yours shift it (standing ridge); for your own models, the ranker\u2019s standing among these models; for the public catalogue, its standing among the catalogue (published evidence)' },
  { key: 'accuracy', label: 'checked here', title: 'linear-probe accuracy on your images (fine stage)' },
  { key: 'latencyMs', label: 'latency', title: 'batch-1 latency on this device: measured here, or predicted' },
  { key: 'bytes', label: 'size', title: 'model file size' },
  { key: 'params', label: 'params', title: 'parameters' },
  { key: 'family', label: 'family', title: 'architecture family' },
  { key: 'source', label: 'source data', title: 'dataset the model was fine-tuned on' },
];

export class ZsResults extends LitElement {
  static properties = {
    candidates: { attribute: false },
    meta: { attribute: false },
    explain: { attribute: false },
    fine: { attribute: false },
    busy: { attribute: false },
    realConsent: { attribute: false },
    userModels: { attribute: false },
    imported: { state: true },
    sortKey: { state: true },
    sortDir: { state: true },
    text: { state: true },
    family: { state: true },
    feasibleOnly: { state: true },
    budgets: { state: true },
    allowInferredTop: { state: true },
    showResearch: { state: true },
    showPublic: { state: true },
    showAllRows: { state: true },
    method: { state: true },
    selected: { state: true },
    k: { state: true },
    importError: { state: true },
  };

  candidates: CandidateInput[] | null = null;
  meta: { ranker: Recommendation['ranker']; dataset: DatasetSummary; device: DeviceProfile | null } | null = null;
  explain: ((id: string) => Explanation | null) | null = null;
  fine: FineUiState = { running: false, line: '', done: 0, total: 0, note: '' };
  busy = '';
  /** real tfjs backbones this build does not serve: fetched from their pinned public copies on consent (size first) */
  realConsent: { labels: string[]; files: number; bytes: number; hosts: string[] } | null = null;
  userModels: { id: string; label: string }[] = [];
  imported: Recommendation | null = null;
  sortKey: SortKey = 'rank';
  sortDir: 'asc' | 'desc' = 'asc';
  text = '';
  family = '';
  feasibleOnly = false;
  /** the default budget: a top pick that runs at least 10 images/s here; the user can lift or change it */
  budgets: Budgets = { minImagesPerSec: DEFAULT_MIN_IMAGES_PER_SEC };
  /** let an 'inferred' model (ranker only, never measured) be the top pick */
  allowInferredTop = false;
  /** the models trained here, a research instrument (32x32 CNNs on small sets): off by default */
  showResearch = false;
  /** the public catalogue's rows (ONNX Model Zoo and published tables; weights downloaded on consent) */
  showPublic = true;
  /** the table shows the first ROWS_SHOWN rows unless asked for all (the public catalogue adds ~900) */
  showAllRows = false;
  method: CombineMethod = 'task';
  selected: string | null = null;
  k = 3;
  importError = '';
  private rowsCache: { cands: CandidateInput[]; key: string; rows: ResultRow[] } | null = null;
  private pareto: Chart | null = null;
  private radar: Chart | null = null;

  static styles = css`
    :host { display: block; }
    .origin { font-size: 11px; }
    #provenance code { word-break: break-all; font-size: 11px; }
    .controls { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: end; margin: .5rem 0; }
    .controls label { display: flex; flex-direction: column; font-size: 13px; color: #3d4550; }
    input, select, button { font: inherit; }
    input[type=number] { width: 7em; }
    button { padding: .3rem .7rem; border: 1px solid #556; border-radius: 6px; background: #fff; cursor: pointer; }
    button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #2962c4; }
    button.link { border: none; background: none; padding: 0; color: #1d4ed8; text-decoration: underline; text-align: left; }
    table { border-collapse: collapse; width: 100%; font-size: 14px; }
    th, td { text-align: left; padding: .2rem .45rem; border-bottom: 1px solid #e3e6ea; vertical-align: top; }
    th button { border: none; background: none; padding: 0; font-weight: 600; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; }
    tr.infeasible td { color: #7b8490; }
    tr.selected td { background: #eef4ff; }
    .tag { font-size: 11px; padding: 0 5px; border-radius: 3px; white-space: nowrap; }
    .measured { background: #d9f2d9; }
    .predicted { background: #eee; font-style: italic; }
    .user { background: #fde7c8; }
    .public { background: #dbe8ff; }
    .breaks { background: #fde2e2; }
    .front { background: #dbe7ff; }
    .chart { position: relative; height: 300px; margin: .5rem 0 1rem; }
    .card { border: 1px solid #ccd; border-radius: 8px; padding: .6rem .9rem; margin: .8rem 0; }
    .card .chart { height: 280px; max-width: 460px; }
    .muted { color: #5b6470; }
    .error { color: #a4161a; font-weight: 600; }
    .banner { background: #fff7db; border: 1px solid #e9cf75; padding: .4rem .7rem; border-radius: 6px; }
    progress { width: 100%; }
    .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
    input[type=file] { position: absolute; width: 1px; height: 1px; opacity: 0; }
    label.button { padding: .3rem .7rem; border: 1px solid #556; border-radius: 6px; background: #fff; cursor: pointer; display: inline-block; }
    label.button:focus-within { outline: 3px solid #2962c4; }
  `;

  /** Rows under the current settings (or the imported file's rows, as they were). */
  rows(): ResultRow[] {
    if (this.imported) return this.imported.rows;
    if (!this.candidates) return [];
    // called several times per render, and the public catalogue makes ~1,000 rows: once per inputs
    const key = JSON.stringify([this.method, this.budgets, this.allowInferredTop, this.showResearch, this.showPublic]);
    if (this.rowsCache?.cands === this.candidates && this.rowsCache.key === key) return this.rowsCache.rows;
    const cands = this.candidates.filter((c) => (this.showResearch || c.kind !== 'zoo') && (this.showPublic || c.kind !== 'public'));
    const rows = buildRows(cands, this.method, this.budgets, { allowInferredTop: this.allowInferredTop });
    this.rowsCache = { cands: this.candidates, key, rows };
    return rows;
  }

  recommendation(): Recommendation | null {
    if (this.imported) return this.imported;
    if (!this.meta || !this.candidates) return null;
    return {
      format: RECOMMENDATION_FORMAT,
      version: RECOMMENDATION_VERSION,
      createdAt: new Date().toISOString(),
      ranker: this.meta.ranker,
      dataset: this.meta.dataset,
      settings: { method: this.method, budgets: { ...this.budgets } },
      device: this.meta.device,
      rows: this.rows(),
    };
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.pareto?.destroy();
    this.radar?.destroy();
    this.pareto = this.radar = null;
  }

  protected updated(_changed: PropertyValues): void {
    const rows = this.rows();
    if (rows.length && !this.imported && !performance.getEntriesByName('zs:first-table').length) performance.mark('zs:first-table');
    const c = this.renderRoot.querySelector<HTMLCanvasElement>('#pareto');
    this.pareto?.destroy();
    // the chart: every model but the public catalogue's long tail (the first ROWS_SHOWN rows of it)
    const charted = rows.filter((r, i) => r.kind !== 'public' || i < ROWS_SHOWN || r.evidence === 'checked');
    this.pareto = c && charted.some((r) => r.cost) ? paretoChart(c, charted, (id) => (this.selected = id)) : null;
    const rc = this.renderRoot.querySelector<HTMLCanvasElement>('#ability');
    this.radar?.destroy();
    this.radar = null;
    const ex = this.selected && this.explain && !this.imported ? this.explain(this.selected) : null;
    if (rc && ex) {
      const series = [{ label: 'predicted by the ranker', values: ex.predicted }];
      if (ex.measured.some((v) => v !== null)) series.push({ label: 'measured (linear probe)', values: ex.measured, dashed: true } as never);
      this.radar = abilityChart(rc, ex.domains, series);
    }
  }

  private setBudget(key: keyof Budgets, scale: number) {
    return (e: Event) => {
      const v = (e.target as HTMLInputElement).value.trim();
      const n = Number(v);
      const b = { ...this.budgets };
      if (v === '' || !(n > 0)) delete b[key];
      else b[key] = n * scale;
      this.budgets = b;
    };
  }

  private sortBy(k: SortKey) {
    if (this.sortKey === k) this.sortDir = this.sortDir === 'asc' ? 'desc' : 'asc';
    else {
      this.sortKey = k;
      this.sortDir = k === 'rankerScore' || k === 'accuracy' ? 'desc' : 'asc';
    }
  }

  private emit(name: string, detail: unknown = null) {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private download(name: string, type: string, text: string) {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type }));
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  exportJson() {
    const r = this.recommendation();
    if (r) this.download('zooscout-recommendation.json', 'application/json', JSON.stringify(r, null, 1));
  }

  exportCsv() {
    const r = this.recommendation();
    if (r) this.download('zooscout-recommendation.csv', 'text/csv', toCsv(r));
  }

  /** Shows an exported recommendation (read-only). */
  async importFile(file: Blob) {
    try {
      this.imported = parseRecommendation(await file.text());
      this.importError = '';
      this.selected = null;
    } catch (e) {
      this.importError = (e as Error).message;
    }
  }

  private topIds(k: number, checkableOnly = false): string[] {
    return this.rows().filter((r) => !checkableOnly || r.checkable).slice(0, k).map((r) => r.id);
  }

  private renderCost(r: ResultRow) {
    if (!r.cost) return html`<span class="muted">—</span>`;
    return html`${msf(r.cost.latencyMs)} ms <span class="tag ${r.cost.measured ? 'measured' : 'predicted'}">${r.cost.measured ? 'measured here' : 'predicted'}</span>`;
  }

  private renderRow(r: ResultRow) {
    const f = r.fine;
    return html`<tr class="${r.feasible ? '' : 'infeasible'} ${this.selected === r.id ? 'selected' : ''}" data-model=${r.id}>
      <td class="num">${r.rank}</td>
      <td><button class="link" @click=${() => (this.selected = r.id)} aria-label="Why ${r.label}">${r.label}</button>
        ${r.kind === 'user' ? html` <span class="tag user">your model</span>` : r.kind === 'npm' ? html` <span class="tag user" title="a real pre-trained model shipped by an npm package, served by this app">npm</span>`
          : r.kind === 'public' ? html` <span class="tag public" data-evidence=${r.evidence ?? ''} title=${r.evidence === 'published' ? 'public catalogue: published transfer results on other datasets; weights downloaded on your consent' : 'public catalogue: metadata only (inferred); weights downloaded on your consent'}>public · ${r.evidence === 'checked' ? 'checked' : r.evidence === 'published' ? 'published' : 'inferred'}</span>` : nothing}
        ${r.onPareto ? html` <span class="tag front" title="no other model is both better and faster">Pareto</span>` : nothing}
        ${r.feasible ? nothing : html` <span class="tag breaks">breaks ${r.violations.map((v) => ({ latencyMs: 'latency', bytes: 'size', memoryBytes: 'memory', imagesPerSec: 'throughput' })[v]).join(', ')}</span>`}</td>
      <td class="num">${r.rankerScore.toFixed(3)} <span class="muted">(#${r.rankerRank})</span></td>
      <td class="num">${f ? (f.status === 'done' && f.accuracy !== undefined ? html`${(100 * f.accuracy).toFixed(1)}%` : html`<span class="muted" title=${f.error ?? ''}>${f.status}</span>`) : html`<span class="muted">—</span>`}</td>
      <td class="num">${this.renderCost(r)}</td>
      <td class="num">${mb(r.cost?.bytes ?? r.bytes)}</td>
      <td class="num">${compact(r.params)}</td>
      <td>${r.family ?? '—'}</td>
      <td>${r.source ?? '—'}${r.sourceDomain ? html` <span class="muted">(${r.sourceDomain.replace(/_/g, ' ')})</span>` : nothing}${this.renderOrigin(r)}</td>
    </tr>`;
  }

  /** where the weights come from: a link a person can follow (opened on click only; nothing is fetched), and the licence */
  private renderOrigin(r: ResultRow) {
    const p = r.provenance;
    if (!p) return nothing;
    return html`<div class="origin muted">${p.url
      ? html`<a href=${p.url} target="_blank" rel="noopener noreferrer" title=${p.from}>origin</a>`
      : html`<span title=${p.from}>${r.kind === 'user' ? 'your file' : 'trained here'}</span>`} · ${p.licence}</div>`;
  }

  private renderCard(rows: ResultRow[]) {
    const r = rows.find((x) => x.id === this.selected);
    if (!r) return nothing;
    const ex = this.explain && !this.imported ? this.explain(r.id) : null;
    return html`<section class="card" id="card" aria-label="Why ${r.label}">
      <h3>${r.label} <button @click=${() => (this.selected = null)} aria-label="Close the card">×</button></h3>
      <p>
        ${r.kind === 'user' ? 'Your model' : r.kind === 'real' ? `A real ImageNet-pretrained backbone (${r.runtime === 'tfjs' ? 'tfjs' : 'ONNX'}, pinned by sha256), served by this app` : r.kind === 'npm' ? 'A real pre-trained model from an npm package (tfjs), served by this app'
          : r.kind === 'public' ? `A public model (${r.evidenceKind === 'published' ? 'with published transfer results on other datasets' : 'metadata only'}; ${r.files?.length ? 'weights downloaded from their pinned address on your consent' : 'no pinned weights'})` : `${r.family} trained by ZooScout`}${r.source ? html`, ${r.kind === 'npm' || r.kind === 'real' || r.kind === 'public' ? 'trained on' : 'fine-tuned on'} <strong>${r.source}</strong>${r.sourceDomain ? ` (${r.sourceDomain.replace(/_/g, ' ')})` : ''}` : ''}.
        ${compact(r.params)} parameters, ${r.macs ? `${(r.macs / 1e6).toFixed(1)} M MACs, ` : ''}${mb(r.cost?.bytes ?? r.bytes)}${r.inputSize ? `, input ${r.inputSize}×${r.inputSize}` : ''}.
        Fit: #${r.rankerRank} (score ${r.rankerScore.toFixed(3)}${r.kind === 'public' ? ': its standing among the public catalogue, from the ranker fitted on published results' : r.measuredStanding != null ? html`: its standing predicted from every measured task and how tasks like yours shift it; it beat <strong>${(100 * r.measuredStanding).toFixed(0)}%</strong> of the measured models on the tasks nearest your data` : r.rankerRaw !== undefined ? ': the cross-attention ranker’s standing alone; never measured' : ''}).
        ${r.fine?.status === 'done' && r.fine.accuracy !== undefined ? html`Checked on your images: <strong>${(100 * r.fine.accuracy).toFixed(1)}%</strong> linear-probe accuracy${r.fine.logme !== undefined ? `, LogME ${r.fine.logme.toFixed(3)}` : ''}.` : 'Not checked on your images yet.'}
        ${r.cost ? html`Latency ${msf(r.cost.latencyMs)} ms on ${r.cost.backend.toUpperCase()}, ${r.cost.measured ? 'measured on this device' : 'predicted from its graph and this device’s micro-benchmark'}.` : ''}
      </p>
      ${r.provenance ? html`<p id="provenance">Source: ${r.provenance.url ? html`<a href=${r.provenance.url} target="_blank" rel="noopener noreferrer">${r.provenance.from}</a>` : r.provenance.from}.
        Licence: ${r.provenance.licence}.${r.provenance.sha256 ? html` Weights sha256 <code>${r.provenance.sha256}</code>.` : nothing}
        Registry id <code>${r.id}</code>${r.featureNode ? html`, features from <code>${r.featureNode}</code>` : nothing}.</p>` : nothing}
      ${!this.imported && r.checkable && !(r.fine?.status === 'done') ? html`<p><button id="card-check" ?disabled=${this.fine.running || !(this.meta?.dataset.labelled ?? false)}
        @click=${() => this.emit(r.kind === 'public' ? 'zs-public-check' : 'zs-fine-run', { ids: [r.id] })}>Check ${r.label} on your images</button>
        ${r.kind === 'public' ? html`<span class="muted">The size is shown and your consent asked before anything is downloaded.</span>` : nothing}</p>` : nothing}
      ${ex
        ? html`<h4>Your data is nearest to these training tasks</h4>
          <ul id="near">${ex.near.map((t) => html`<li><strong>${t.id}</strong> (${t.domain.replace(/_/g, ' ')}, similarity ${t.similarity.toFixed(2)}):
            ${t.measured ? html`this model measured ${(100 * t.measured.accuracy).toFixed(1)}%, #${t.measured.rank} of ${t.measured.of}` : html`<span class="muted">not measured there (not in the trained zoo)</span>`}</li>`)}</ul>
          <h4>Ability per domain</h4>
          <p class="muted">Share of the zoo this model beats on the training tasks of each domain (1 = best on all).</p>
          <div class="chart"><canvas id="ability" role="img" aria-label="Ability of ${r.label} per domain: ${ex.domains.map((d, i) => `${d} ${ex.predicted[i]?.toFixed(2) ?? 'n/a'}`).join(', ')}"></canvas></div>`
        : html`<p class="muted">Explanations need the ranker's training data; not available for an imported file.</p>`}
    </section>`;
  }

  private renderFine() {
    const f = this.fine;
    if (this.imported) return nothing;
    const labelled = this.meta?.dataset.labelled ?? false;
    const checkable = this.topIds(this.k, true).length > 0;
    // models without reachable weights among the top rows (public ones with no pinned file) are passed over: say so
    const skipped = this.rows().slice(0, this.k).filter((r) => !r.checkable).map((r) => r.label);
    return html`<section aria-label="Check the top models on your images" id="fine">
      <h3>Check the top models on your images</h3>
      <p class="muted">Runs the top models on your images in this tab (features, LogME and other scores, and a linear probe with successive halving), then moves them to the top in order of measured accuracy.</p>
      <div class="controls">
        <label>How many <select id="fine-k" @change=${(e: Event) => (this.k = Number((e.target as HTMLSelectElement).value))}>
          ${[2, 3, 5, 8].map((k) => html`<option value=${k} ?selected=${k === this.k}>${k}</option>`)}</select></label>
        <button id="fine-run" ?disabled=${f.running || !labelled || !!f.blocked || !checkable} @click=${() => this.emit('zs-fine-run', { ids: this.topIds(this.k, true) })}
          title="ONNX models in onnxruntime-web, tfjs models (npm packages, tfjs backbones) in tfjs, both in a worker">Check the top ${this.k} here</button>
        <button id="measure-run" ?disabled=${f.running || !!this.busy} @click=${() => this.emit('zs-measure', { ids: this.topIds(this.k) })}>Measure their latency here</button>
        ${f.running ? html`<button id="fine-cancel" @click=${() => this.emit('zs-fine-cancel')}>Cancel</button>` : nothing}
      </div>
      ${labelled ? nothing : html`<p class="muted">The check needs labelled classes (one subfolder per class).</p>`}
      ${labelled && f.blocked ? html`<p class="muted" id="fine-blocked">${f.blocked}</p>` : nothing}
      ${skipped.length ? html`<p class="muted" id="fine-skipped">The check takes the top ${this.k} models with weights it can reach and passes over ${skipped.join(', ')} (no pinned weights).</p>` : nothing}
      ${labelled && !f.blocked && !checkable ? html`<p class="muted" id="fine-none">No model in the table has weights the check can reach.</p>` : nothing}
      ${this.realConsent ? html`<div class="banner" id="real-consent" role="alertdialog" aria-label="download consent">
        <p>${this.realConsent.labels.join(', ')} ${this.realConsent.labels.length > 1 ? 'are' : 'is'} not in this copy of the app. Download <strong id="real-consent-bytes">${mb(this.realConsent.bytes)}</strong>
          (${this.realConsent.files} files) from ${this.realConsent.hosts.join(' or ')}? Each file is checked against its pinned sha256 and kept in this browser. Nothing of yours is sent.</p>
        <button id="real-consent-yes" @click=${() => this.emit('zs-real-consent', { accept: true })}>Download</button>
        <button id="real-consent-no" @click=${() => this.emit('zs-real-consent', { accept: false })}>Cancel</button>
        <label class="button">Use files you already have<input id="real-files" type="file" multiple
          @change=${(e: Event) => { const i = e.target as HTMLInputElement; const files = [...(i.files ?? [])]; i.value = ''; if (files.length) this.emit('zs-real-files', { files }); }}></label>
      </div>` : nothing}
      ${f.running ? html`<progress max=${f.total || 1} value=${f.done} aria-label="Fine stage progress"></progress>` : nothing}
      <p id="fine-status" aria-live="polite">${f.line}${f.note ? html` ${f.note}` : nothing}${this.busy ? html` ${this.busy}` : nothing}</p>
    </section>`;
  }

  private renderUserModels() {
    if (this.imported) return nothing;
    return html`<section aria-label="Your own models" id="user-models">
      <h3>Your own models</h3>
      <p class="muted">Add an ONNX image model: it is checked (size, input, operators), given a token and a cost, and ranked with the rest. Stored in this browser only.</p>
      <label class="button">Add a model (.onnx)<input id="user-model-input" type="file" accept=".onnx"
        @change=${(e: Event) => { const i = e.target as HTMLInputElement; const file = i.files?.[0]; i.value = ''; if (file) this.emit('zs-add-model', { file }); }}></label>
      ${this.userModels.length
        ? html`<ul>${this.userModels.map((m) => html`<li data-user-model=${m.id}>${m.label} <button @click=${() => this.emit('zs-remove-model', { id: m.id })} aria-label="Remove ${m.label}">Remove</button></li>`)}</ul>`
        : nothing}
    </section>`;
  }

  render() {
    const all = this.rows();
    if (!all.length && !this.imported) {
      return html`<section aria-label="Import"><label class="button">Import a recommendation (.json)<input id="import-input" type="file" accept=".json,application/json"
        @change=${(e: Event) => { const i = e.target as HTMLInputElement; const f = i.files?.[0]; i.value = ''; if (f) void this.importFile(f); }}></label>
        ${this.importError ? html`<p class="error" role="alert">${this.importError}</p>` : nothing}</section>`;
    }
    const families = [...new Set(all.map((r) => r.family).filter((f): f is string => !!f))].sort();
    const rows = sortRows(filterRows(all, { text: this.text, family: this.family, feasibleOnly: this.feasibleOnly }), this.sortKey, this.sortDir);
    const shown = this.showAllRows || this.text ? rows : rows.slice(0, ROWS_SHOWN);
    const feasible = all.filter((r) => r.feasible).length;
    const ro = !!this.imported;
    const top = all[0];
    const front = all.filter((r) => r.onPareto);
    return html`
      ${this.imported ? html`<p class="banner" id="imported">Imported recommendation from ${this.imported.createdAt} (${this.imported.rows.length} models, ${this.imported.dataset.classes} classes). Read-only.
        <button @click=${() => (this.imported = null)}>Close</button></p>` : nothing}
      ${top ? html`<p id="top-pick"><strong>Top pick: ${top.label}</strong>${top.fine?.status === 'done' && top.fine.accuracy !== undefined ? ` — ${(100 * top.fine.accuracy).toFixed(1)}% on your images` : top.evidence === 'measured' ? ' — measured on the tasks nearest your data' : ' — inferred by the ranker (never measured)'}${top.cost ? `, ${msf(top.cost.latencyMs)} ms here (${top.cost.measured ? 'measured' : 'predicted'})` : ''}.
        ${this.meta && !ro ? html`<span class="muted">Ranked ${all.length} models in ${this.meta.ranker.ms.toFixed(1)} ms.</span>` : nothing}</p>
        <p id="top-pick-why">${whyTopPick(top, this.budgets, !ro && this.explain ? (this.explain(top.id)?.near ?? []).map((t) => t.id) : [])}</p>` : nothing}
      <div class="controls" role="group" aria-label="Budgets and filters">
        <label>Max latency (ms)<input id="budget-latency" type="number" min="0" step="any" ?disabled=${ro} @change=${this.setBudget('maxLatencyMs', 1)}></label>
        <label>Max size (MB)<input id="budget-size" type="number" min="0" step="any" ?disabled=${ro} @change=${this.setBudget('maxBytes', 1e6)}></label>
        <label>Min images/s<input id="budget-throughput" type="number" min="0" step="any" .value=${this.budgets.minImagesPerSec !== undefined ? String(this.budgets.minImagesPerSec) : ''} ?disabled=${ro} @change=${this.setBudget('minImagesPerSec', 1)}></label>
        <label><span>Include the public catalogue</span><input id="show-public" type="checkbox" .checked=${this.showPublic} ?disabled=${ro} @change=${(e: Event) => (this.showPublic = (e.target as HTMLInputElement).checked)}></label>
        <label><span>Include the models trained here (research)</span><input id="show-zoo" type="checkbox" .checked=${this.showResearch} ?disabled=${ro} @change=${(e: Event) => (this.showResearch = (e.target as HTMLInputElement).checked)}></label>
        <label><span>Models never measured here (published, inferred) may be the top pick</span><input id="allow-inferred" type="checkbox" .checked=${this.allowInferredTop} ?disabled=${ro} @change=${(e: Event) => (this.allowInferredTop = (e.target as HTMLInputElement).checked)}></label>
        <label>Order by<select id="method" ?disabled=${ro} @change=${(e: Event) => (this.method = (e.target as HTMLSelectElement).value as CombineMethod)}>
          <option value="task">task score</option><option value="objective">score × speed and size</option><option value="shadow">vote: score, latency, size</option></select></label>
        <label>Search<input id="filter-text" type="search" .value=${this.text} @input=${(e: Event) => (this.text = (e.target as HTMLInputElement).value)}></label>
        <label>Family<select id="filter-family" @change=${(e: Event) => (this.family = (e.target as HTMLSelectElement).value)}>
          <option value="">all</option>${families.map((f) => html`<option value=${f}>${f}</option>`)}</select></label>
        <label><span>Within budgets only</span><input id="filter-feasible" type="checkbox" .checked=${this.feasibleOnly} @change=${(e: Event) => (this.feasibleOnly = (e.target as HTMLInputElement).checked)}></label>
      </div>
      <p class="muted" id="summary" aria-live="polite">${feasible} of ${all.length} models within your budgets · showing ${shown.length}${shown.length < rows.length ? html` of ${rows.length} <button id="show-all-rows" class="link" @click=${() => (this.showAllRows = true)}>show all</button>` : nothing}.</p>
      <div style="overflow-x:auto"><table id="results-table">
        <caption class="sr">Models ranked for your data</caption>
        <thead><tr>${COLUMNS.map((c) => html`<th scope="col" aria-sort=${this.sortKey === c.key ? (this.sortDir === 'asc' ? 'ascending' : 'descending') : 'none'}>
          <button title=${c.title} data-sort=${c.key} @click=${() => this.sortBy(c.key)}>${c.label}${this.sortKey === c.key ? (this.sortDir === 'asc' ? ' ▲' : ' ▼') : ''}</button></th>`)}</tr></thead>
        <tbody>${shown.map((r) => this.renderRow(r))}</tbody>
      </table></div>
      ${this.renderCard(all)}
      ${all.some((r) => r.cost)
        ? html`<h3>Score against latency</h3><div class="chart"><canvas id="pareto" role="img"
            aria-label="Ranker score against latency on this device. Pareto front: ${front.map((r) => r.label).join(', ')}"></canvas></div>`
        : html`<p class="muted" id="no-costs">Measure this device to see latency and the Pareto chart.</p>`}
      ${this.renderFine()}
      ${this.renderUserModels()}
      <section aria-label="Export" id="export">
        <button id="export-json" @click=${this.exportJson}>Export JSON</button>
        <button id="export-csv" @click=${this.exportCsv}>Export CSV</button>
        <label class="button">Import (.json)<input id="import-input" type="file" accept=".json,application/json"
          @change=${(e: Event) => { const i = e.target as HTMLInputElement; const f = i.files?.[0]; i.value = ''; if (f) void this.importFile(f); }}></label>
        <span class="muted">Exports hold the ranking and this device’s profile: no images, file names or class names.</span>
        ${this.importError ? html`<p class="error" role="alert">${this.importError}</p>` : nothing}
      </section>`;
  }
}

customElements.define('zs-results', ZsResults);

declare global {
  interface HTMLElementTagNameMap {
    'zs-results': ZsResults;
  }
}
