// <zs-public-models>: the public catalogue's engine in the page. Every catalogue model (944: all but
// OpenCLIP's zero-shot models) is scored for the user's dataset tokens by the ridge ranker trained on
// published evidence (models/public/public-ranker.json, `npm run public:page`), on the main thread; the
// rows join the one results table (src/select/client/controller.ts reads `ranked()`), so this element
// shows no list of its own. It runs "check on your images" for catalogue models: the download size
// first and a consent question, then per model the pinned file (IndexedDB cache, else downloaded from
// its pinned address, sha256 verified), the fine stage on the user's images, the latency on this
// device. A file the user already has is matched by sha256 and used the same way, with no network.
import { LitElement, html, css, nothing, type PropertyValues } from 'lit';
import { acceptDropped, cachedPinned, getPinned, PinnedFileError } from './pinned.ts';
import {
  costDescription, parsePublicPage, pinnedFileOf, PublicPageRanker, PUBLIC_PAGE_PATH, runInfoOf, unpackSources,
  type PageModel, type PublicPageArtifact,
} from '../shared/public-page.ts';
import { sha256Hex } from '../../encode/shared/model-file.ts';
import type { DatasetTokens } from '../../tokens/shared/format.ts';
import type { MeasuredCost, MeasureOptions, MeasureProgress, MicroBench } from '../../hardware/shared/types.ts';
import { startHardware, type HardwareHandle } from '../../hardware/client/hardware-client.ts';
import { costsForDevice } from '../../hardware/client/cache.ts';
import { startFine, type FineHandle } from '../../fine/client/fine-client.ts';
import type { FineModel, FineModelResult, FineProgress } from '../../fine/shared/types.ts';
import type { ScoreName } from '../../transfer/shared/scores.ts';

export interface PublicImage { path: string; file: Blob; label: number }

/** What happened to one model in "check these here". */
export interface PublicCheck {
  id: string;
  status: 'queued' | 'file' | 'fine' | 'latency' | 'done' | 'failed' | 'cancelled';
  /** where the verified bytes came from */
  from?: 'cache' | 'download' | 'drop';
  /** stored in this browser's IndexedDB (false: quota; the bytes were used for this session only) */
  stored?: boolean;
  /** download / sha256 / graph problem: nothing else ran on this model */
  error?: string;
  fine?: FineModelResult;
  fineError?: string;
  measured?: MeasuredCost;
  latencyError?: string;
}

export interface PublicRankedDetail { scored: number; ms: number; top: { id: string; score: number; evidence: string }[] }
export interface PublicCheckedDetail { checks: PublicCheck[]; cancelled: boolean }

const MB = (b: number) => `${(b / 1e6).toFixed(b < 1e7 ? 1 : 0)} MB`;

const TOP = 25;

export class ZsPublicModels extends LitElement {
  static properties = {
    tokens: { attribute: false },
    images: { attribute: false },
    classNames: { attribute: false },
    micro: { attribute: false },
    deviceKey: { attribute: false },
    measureOptions: { attribute: false },
    fineScores: { attribute: false },
    artifactUrl: { attribute: false },
    loadState: { state: true },
    scores: { state: true },
    selected: { state: true },
    consent: { state: true },
    running: { state: true },
    progress: { state: true },
    checks: { state: true },
    measured: { state: true },
    messages: { state: true },
  };

  /** the user's dataset tokens (made by the page's encoder) */
  tokens: DatasetTokens | null = null;
  /** the user's labelled images, for the fine stage (label = index into classNames) */
  images: PublicImage[] = [];
  classNames: string[] = [];
  /** this device's micro-benchmark (null: costs say "measure this device first") */
  micro: MicroBench | null = null;
  deviceKey = '';
  /** options of the latency measurement (tests shorten it) */
  measureOptions: Partial<MeasureOptions> = {};
  /**
   * transferability scores the fine stage computes beside the probe (shown in the row). The cheap ones by
   * default: H-Score, N-LEEP and GBC on 1,000-class heads and 1,280-d features take a minute per model here.
   */
  fineScores: ScoreName[] = ['LogME', 'LEEP'];
  /** where the page artifact is (default models/public/public-ranker.json under the page's base URL) */
  artifactUrl = '';
  /** fetch used for a pinned download (tests map the pinned URL to a local file) */
  fetchPinned: (url: string, init: { signal: AbortSignal }) => Promise<Response> = (url, init) => fetch(url, init);

  loadState: { kind: 'loading' | 'ready' | 'error'; text: string } = { kind: 'loading', text: 'loading the public catalogue…' };
  scores: { values: Float64Array; order: number[]; ms: number; forTokens: DatasetTokens } | null = null;
  selected = new Set<string>();
  consent: { ids: string[]; download: PageModel[]; bytes: number } | null = null;
  running = false;
  progress = '';
  checks = new Map<string, PublicCheck>();
  /** measured latencies of catalogue files on this device (this run, or earlier ones from the hardware cache) */
  measured = new Map<string, MeasuredCost>();
  messages: { kind: 'error' | 'info'; text: string }[] = [];

  private page: PublicPageRanker | null = null;
  private byId = new Map<string, PageModel>();
  private fine: FineHandle | null = null;
  private hw: HardwareHandle | null = null;
  private abort: AbortController | null = null;
  private cancelled = false;

  static styles = css`
    :host { display: block; font: 14px/1.4 system-ui, sans-serif; }
    .error { color: #a10000; }
    .info { color: #333; }
    .muted { color: #666; }
    .bar { display: flex; gap: 0.6em; flex-wrap: wrap; align-items: center; margin: 0.4em 0; }
    .consent { border: 1px solid #c90; background: #fff8e6; padding: 0.5em 0.8em; margin: 0.5em 0; }
    .drop { border: 1px dashed #999; padding: 0.3em 0.6em; }
  `;

  connectedCallback(): void {
    super.connectedCallback();
    if (!this.page) void this.load();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.fine?.terminate();
    this.hw?.terminate();
    this.fine = this.hw = null;
  }

  /** Loads the page artifact (ranker + source tokens), verifying the token file's sha256. */
  private async load(): Promise<void> {
    try {
      const url = new URL(this.artifactUrl || PUBLIC_PAGE_PATH, document.baseURI);
      const r = await fetch(url);
      if (!r.ok) throw new Error(`${url.pathname}: HTTP ${r.status}`);
      const artifact: PublicPageArtifact = parsePublicPage(await r.json());
      const tu = new URL(artifact.tokens.file, url);
      const tr = await fetch(tu);
      if (!tr.ok) throw new Error(`${tu.pathname}: HTTP ${tr.status}`);
      const gz = new Uint8Array(await tr.arrayBuffer());
      if ((await sha256Hex(gz)) !== artifact.tokens.sha256) throw new Error(`${artifact.tokens.file} is not the file public-ranker.json names (sha256 differs)`);
      const raw = new Uint8Array(await new Response(new Blob([gz]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
      this.page = new PublicPageRanker(artifact, unpackSources(artifact, raw));
      this.byId = new Map(artifact.models.map((m) => [m.id, m]));
      this.loadState = { kind: 'ready', text: `${artifact.models.length} public models` };
      void this.loadMeasured();
    } catch (e) {
      this.loadState = { kind: 'error', text: `The public catalogue could not be loaded: ${(e as Error).message}` };
    }
  }

  /** Measured costs of catalogue files already in the hardware cache for this device and backend. */
  private async loadMeasured(): Promise<void> {
    if (!this.deviceKey || !this.micro || !this.page) return;
    const out = new Map(this.measured);
    for (const c of await costsForDevice(this.deviceKey)) {
      const m = this.byId.get(c.modelId);
      if (m?.file && c.modelSha256 === m.file.sha256 && c.backend === this.micro.backend) out.set(m.id, c);
    }
    this.measured = out;
  }

  protected willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('tokens') || changed.has('loadState')) && this.page) {
      if (this.tokens && this.scores?.forTokens !== this.tokens) this.rank(this.tokens);
      if (!this.tokens) this.scores = null;
    }
  }

  protected updated(changed: PropertyValues<this>): void {
    if (changed.has('deviceKey') || changed.has('micro')) void this.loadMeasured();
  }

  private rank(tokens: DatasetTokens): void {
    try {
      const t0 = performance.now();
      const values = this.page!.score(tokens);
      const order = [...values.keys()].sort((a, b) => values[b] - values[a]);
      const ms = performance.now() - t0;
      this.scores = { values, order, ms, forTokens: tokens };
      const models = this.page!.artifact.models;
      const detail: PublicRankedDetail = { scored: values.length, ms, top: order.slice(0, TOP).map((i) => ({ id: models[i].id, score: values[i], evidence: models[i].evidence })) };
      this.dispatchEvent(new CustomEvent('zs-public-ranked', { detail, bubbles: true, composed: true }));
    } catch (e) {
      this.scores = null;
      this.say('error', `The public models cannot be ranked for these tokens: ${(e as Error).message}`);
    }
  }

  private say(kind: 'error' | 'info', text: string): void {
    this.messages = [...this.messages, { kind, text }];
  }

  private setCheck(c: PublicCheck): void {
    const next = new Map(this.checks);
    next.set(c.id, { ...c });
    this.checks = next;
  }

  /** Every catalogue model with its score for the current tokens and its standing among them (0..1), best first. */
  ranked(): { model: PageModel; score: number; standing: number; licence: string | null }[] {
    if (!this.scores || !this.page) return [];
    const { values, order } = this.scores;
    const n = order.length;
    const a = this.page.artifact;
    return order.map((i, r) => ({ model: a.models[i], score: values[i], standing: n > 1 ? (n - 1 - r) / (n - 1) : 1, licence: a.models[i].licence != null ? a.licences[a.models[i].licence!] : null }));
  }

  /** Catalogue ids (without the registry's `public:` prefix) picked in the results table: size and consent first, then the check. */
  async checkIds(ids: string[]): Promise<void> {
    this.selected = new Set(ids);
    await this.checkSelected();
  }

  // ------------------------------------------------------------ check these here

  /** First step: the total download size, asked in the page (nothing is fetched before "Download"). */
  async checkSelected(): Promise<void> {
    if (this.running) return;
    const ids = [...this.selected].filter((id) => this.byId.get(id)?.file);
    if (!ids.length) { this.say('info', 'These public models have no pinned weights: nothing to check.'); return; }
    const download: PageModel[] = [];
    for (const id of ids) {
      const m = this.byId.get(id)!;
      let here = false;
      try { here = !!(await cachedPinned(m.file!.sha256)); } catch { /* no IndexedDB: download */ }
      if (!here) download.push(m);
    }
    if (download.length) { this.consent = { ids, download, bytes: download.reduce((s, m) => s + m.file!.bytes, 0) }; return; }
    await this.run(ids, new Map(), new Set());
  }

  private declineConsent(): void {
    this.say('info', `Nothing was downloaded (${this.consent?.download.length ?? 0} file(s) declined).`);
    this.consent = null;
  }

  private async acceptConsent(): Promise<void> {
    const c = this.consent;
    this.consent = null;
    if (c) await this.run(c.ids, new Map(), new Set(c.download.map((m) => m.file!.sha256)));
  }

  /** "Use a file you already have": each file is matched by size + sha256 against the pinned files. */
  async useFiles(files: File[]): Promise<void> {
    if (!this.page) return;
    const candidates = this.page.artifact.models.flatMap((m) => (m.file ? [pinnedFileOf(m)!] : []));
    const dropped = new Map<string, ArrayBuffer>();
    for (const f of files) {
      try {
        const { file, result } = await acceptDropped(candidates, f);
        const m = this.page.artifact.models.find((x) => x.file?.sha256 === file.sha256)!;
        dropped.set(m.id, result.data);
        this.selected = new Set([...this.selected, m.id]);
        this.say('info', `${f.name} is ${m.name} (${m.id}): sha256 ${file.sha256.slice(0, 12)}… matches the pinned file; ${result.cached ? 'kept in this browser (IndexedDB)' : 'not stored (storage full), used for this session'}.`);
      } catch (e) {
        const why = e instanceof PinnedFileError ? e.message : (e as Error).message;
        this.say('error', `${f.name} refused: ${why}. Only the catalogue's pinned files are accepted.`);
      }
    }
    if (dropped.size && !this.running) await this.run([...dropped.keys()], dropped, new Set());
  }

  cancel(): void {
    if (!this.running) return;
    this.cancelled = true;
    this.abort?.abort();
    void this.fine?.cancel();
    void this.hw?.cancel();
    this.progress = 'cancelling…';
  }

  /** consented: sha256 of the files the person agreed to download (a file not among them is never fetched) */
  private async run(ids: string[], dropped: Map<string, ArrayBuffer>, consented: Set<string>): Promise<void> {
    this.running = true;
    this.cancelled = false;
    this.abort = new AbortController();
    const signal = this.abort.signal;
    const checks = ids.map((id): PublicCheck => ({ id, status: 'queued' }));
    for (const c of checks) this.setCheck(c);
    const got: { m: PageModel; c: PublicCheck; bytes: ArrayBuffer; info: ReturnType<typeof runInfoOf> }[] = [];
    try {
      // 1. the files: dropped, cached, or downloaded (consent was given for the total)
      for (const [k, c] of checks.entries()) {
        const m = this.byId.get(c.id)!;
        if (this.cancelled) { c.status = 'cancelled'; this.setCheck(c); continue; }
        c.status = 'file';
        this.setCheck(c);
        try {
          let bytes = dropped.get(m.id);
          if (bytes) c.from = 'drop';
          else {
            this.progress = `${k + 1}/${checks.length} ${m.name}: pinned file…`;
            const r = await getPinned(pinnedFileOf(m)!, {
              consent: () => consented.has(m.file!.sha256),
              fetch: async (u) => {
                try { return await this.fetchPinned(u, { signal }); } catch (e) {
                  throw new PinnedFileError(`${u} could not be fetched (${(e as Error).message})`, 'network');
                }
              },
              onProgress: (done, total) => { this.progress = `${k + 1}/${checks.length} ${m.name}: downloading ${MB(done)} of ${MB(total)}`; },
            });
            bytes = r.data;
            c.from = r.from;
            c.stored = r.cached;
          }
          const info = runInfoOf(new Uint8Array(bytes), m.inputSize);
          got.push({ m, c, bytes, info });
        } catch (e) {
          c.status = this.cancelled ? 'cancelled' : 'failed';
          c.error = this.fileError(m, e);
          if (!this.cancelled) this.say('error', `${m.name}: ${c.error}`);
        }
        this.setCheck(c);
      }

      // 2. the fine stage on the user's images, all fetched models in one run (successive halving)
      const labels = new Set(this.images.map((i) => i.label));
      if (got.length && !this.cancelled) {
        if (labels.size < 2) {
          this.say('info', 'The fine stage needs labelled images of at least two classes: only the latency was measured.');
        } else {
          for (const g of got) { g.c.status = 'fine'; this.setCheck(g.c); }
          try {
            this.fine ??= await startFine();
            if (this.cancelled) throw new Error('cancelled');
            const models: FineModel[] = got.map(({ m, bytes, info }) => ({
              id: m.id, label: m.name, source: { bytes: bytes.slice(0) }, sha256: m.file!.sha256,
              inputName: info.inputName, featuresOutput: null, logitsOutput: info.logitsOutput, preprocess: info.preprocess,
            }));
            const res = await this.fine.run({ models, images: this.images, classNames: this.classNames, seed: 7, scores: this.fineScores }, (p: FineProgress) => {
              this.progress = `fine stage: ${p.stage}${p.model ? ` (model ${p.model} of ${p.models})` : ''} ${p.done}/${p.total}`;
            });
            for (const r of res.models) {
              const g = got.find((x) => x.m.id === r.id)!;
              g.c.fine = r;
              if (r.status === 'failed') {
                g.c.fineError = r.error ?? 'failed';
                this.say('error', `${g.m.name} failed in the fine stage: ${g.c.fineError} (the other models carry on).`);
              }
              this.setCheck(g.c);
            }
            for (const n of res.notes) this.say('info', n);
          } catch (e) {
            if (!this.cancelled) {
              for (const g of got) { g.c.fineError = (e as Error).message; this.setCheck(g.c); }
              this.say('error', `The fine stage failed: ${(e as Error).message}`);
            }
          }
        }
      }

      // 3. the latency on this device
      if (got.length && !this.cancelled) {
        if (!this.micro || !this.deviceKey) {
          this.say('info', 'Latency not measured: measure this device first.');
        } else {
          for (const [k, g] of got.entries()) {
            if (this.cancelled) break;
            g.c.status = 'latency';
            this.setCheck(g.c);
            const url = URL.createObjectURL(new Blob([g.bytes]));
            try {
              this.hw ??= await startHardware({ backend: this.micro.backend, deviceKey: this.deviceKey });
              this.hw.deviceKey = this.deviceKey;
              const { cost } = await this.hw.measure({
                id: g.m.id, family: costDescription(g.m)?.family, macs: g.info.macs, params: g.m.params ?? 0, bytes: g.m.file!.bytes,
                structure: g.info.structure, sha256: g.m.file!.sha256, url, inputName: g.info.inputName, inputDims: g.info.inputDims,
              }, {
                options: this.measureOptions,
                onProgress: (p: MeasureProgress) => { this.progress = `${k + 1}/${got.length} ${g.m.name}: latency ${p.phase} ${p.done}/${p.total}`; },
              });
              g.c.measured = cost;
              this.measured = new Map(this.measured).set(g.m.id, cost);
            } catch (e) {
              g.c.latencyError = (e as Error).message;
              if (!this.cancelled) this.say('error', `${g.m.name}: latency not measured: ${g.c.latencyError}`);
            } finally {
              URL.revokeObjectURL(url);
            }
            this.setCheck(g.c);
          }
        }
      }
      for (const g of got) {
        g.c.status = this.cancelled && !g.c.measured ? 'cancelled' : g.c.fineError && g.c.latencyError ? 'failed' : 'done';
        this.setCheck(g.c);
      }
    } finally {
      this.running = false;
      this.progress = this.cancelled ? 'cancelled' : '';
      this.abort = null;
      const detail: PublicCheckedDetail = { checks: ids.map((id) => this.checks.get(id)!), cancelled: this.cancelled };
      this.dispatchEvent(new CustomEvent('zs-public-checked', { detail, bubbles: true, composed: true }));
    }
  }

  private fileError(m: PageModel, e: unknown): string {
    if (e instanceof PinnedFileError) {
      if (e.reason === 'sha256' || e.reason === 'size') return `the downloaded file is not the pinned one (${e.message}); it was not kept or run`;
      if (e.reason === 'network') return `download failed: ${e.message}. You can fetch ${m.file!.url} yourself and give it through "Use a file you already have"`;
      return e.message;
    }
    if ((e as Error).name === 'AbortError') return 'cancelled';
    return `this file cannot be run here: ${(e as Error).message}`;
  }

  render() {
    if (this.loadState.kind !== 'ready') return html`<p class=${this.loadState.kind === 'error' ? 'error' : 'muted'} id="status">${this.loadState.text}</p>`;
    return html`
      <p id="status" class="muted">${this.scores
        ? html`<span id="scored">${this.scores.values.length}</span> public models scored for your tokens in ${this.scores.ms.toFixed(0)} ms by the ranker trained on published evidence
          (${this.page!.artifact.fittedOn.tables.join(', ')}); they are in the table above (kind <em>public</em>), after the models measured here.
          Published = results in a paper's table on other datasets; inferred = metadata only, a shortlist to check.`
        : 'Public models are ranked once your images have been turned into tokens.'}</p>
      ${this.scores ? html`
        <div class="bar">
          <label class="drop">Use a file you already have (.onnx)
            <input id="use-file" type="file" accept=".onnx" multiple ?disabled=${this.running}
              @change=${(e: Event) => { const inp = e.target as HTMLInputElement; const fs = [...(inp.files ?? [])]; inp.value = ''; void this.useFiles(fs); }} /></label>
          ${this.running ? html`<button id="cancel" @click=${() => this.cancel()}>Cancel</button>` : nothing}
        </div>
        ${this.consent ? html`<div class="consent" id="consent" role="alertdialog" aria-label="download consent">
          <p>Download <strong id="consent-bytes">${MB(this.consent.bytes)}</strong> (${this.consent.download.length} file(s)) from the ONNX Model Zoo's pinned
          addresses (github.com/onnx/models at a fixed commit)? Each file is checked against its sha256 and kept in this browser. Nothing of yours is sent.</p>
          <ul>${this.consent.download.map((m) => html`<li>${m.name}: ${MB(m.file!.bytes)}</li>`)}</ul>
          <button id="consent-yes" @click=${() => this.acceptConsent()}>Download and check</button>
          <button id="consent-no" @click=${() => this.declineConsent()}>Cancel</button></div>` : nothing}
        ${this.progress ? html`<p id="progress" class="muted" aria-live="polite">${this.progress}</p>` : nothing}
        ${this.messages.length ? html`<ul id="messages">${this.messages.map((m) => html`<li class=${m.kind}>${m.text}</li>`)}</ul>` : nothing}` : nothing}`;
  }
}

if (!customElements.get('zs-public-models')) customElements.define('zs-public-models', ZsPublicModels);

declare global {
  interface HTMLElementTagNameMap { 'zs-public-models': ZsPublicModels }
}
