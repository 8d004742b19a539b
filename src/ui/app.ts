// <zs-app>: the page. A folder in, dataset tokens out, with progress, cancel, a report of every
// file left out, and the cache. Heavy work runs in the encode worker; this element only renders.
import { LitElement, html, css, nothing } from 'lit';
import { ENCODERS, DEFAULT_ENCODER_ID, encoderForHash, encoderById, type EncoderEntry } from '../encode/shared/manifest.ts';
import { cachedPinned, getPinned, hasPinned, acceptDropped } from '../catalogue/client/pinned.ts';
import type { PinnedFile } from '../catalogue/shared/catalogue.ts';
import { noRankerNote } from '../rank/shared/no-ranker.ts';
import { sha256Hex } from '../encode/shared/model-file.ts';
import { startEncoder, presentEncoders, type EncoderHandle } from '../encode/client/encoder-client.ts';
import { foreground, loading } from '../offline/gate.ts';
import { env } from '../env.ts';
import type { BackendPreference, EncodeProgress } from '../encode/shared/types.ts';
import { filesFromDrop, filesFromInput, filesFromDirectoryHandle, type PickedFile } from '../ingest/client/gather.ts';
import { runPipeline, IngestError, type RunReport } from '../app/pipeline.ts';
import type { ClassLevel } from '../ingest/shared/plan.ts';
import { cacheStats, clearCache } from '../cache/db.ts';
import { duration, REASON_LABELS } from './format.ts';
import '../hardware/client/device-profile.ts';
import { costFor, zooModel } from '../hardware/client/hardware-client.ts';
import { costsForDevice } from '../hardware/client/cache.ts';
import type { DeviceProfile } from '../hardware/shared/types.ts';
import type { ZsDeviceProfile } from '../hardware/client/device-profile.ts';
import type { ModelCost, MicroBench } from '../hardware/shared/types.ts';
import '../select/client/results.ts';
import '../catalogue/client/public-models.ts';
import type { ZsPublicModels } from '../catalogue/client/public-models.ts';
import type { ZsResults } from '../select/client/results.ts';
import { ResultsController } from '../select/client/controller.ts';

/** An on-request encoder (CLIP) as a pinned file: the same consent, stream, sha256 and IndexedDB flow as the public models. */
const pinnedEncoderFile = (e: EncoderEntry): PinnedFile => ({ path: e.file, url: e.urls[0], sha256: e.sha256!, bytes: e.bytes!, opset: null, variant: e.id, from: e.urls[0] });
const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;

/** A step the user must take first (e.g. download the chosen encoder): shown as it is. */
class NotReadyError extends Error {}

type Status = 'idle' | 'loading-encoder' | 'running' | 'done' | 'error' | 'cancelled';

export class ZsApp extends LitElement {
  static properties = {
    status: { state: true },
    message: { state: true },
    progress: { state: true },
    report: { state: true },
    present: { state: true },
    encoderId: { state: true },
    backendPref: { state: true },
    cached: { state: true },
    backendLine: { state: true },
    importedModel: { state: true },
    download: { state: true },
  };

  status: Status = 'idle';
  message = '';
  progress: EncodeProgress | null = null;
  report: RunReport | null = null;
  present = new Set<string>();
  encoderId = DEFAULT_ENCODER_ID;
  backendPref: BackendPreference = 'auto';
  cached = 0;
  backendLine = '';
  importedModel: { id: string; bytes: ArrayBuffer } | null = null;
  /** an on-request encoder being downloaded (after the user's consent) */
  download: { id: string; done: number; total: number; error: string } | null = null;
  private encoder: EncoderHandle | null = null;
  /** the results stage: ranker, costs, fine stage, user models */
  readonly results = new ResultsController(this);
  private encoderKey = '';
  maxPerClass = 50;
  seed = 0;
  /** which folder level is the class; reset to the default reading for each new input */
  classLevel: ClassLevel = 'top';
  private lastInput: { files: PickedFile[]; errors: string[]; folders: string[] } | null = null;
  k: number | undefined = undefined;

  static styles = css`
    :host { display: block; font: 15px/1.45 system-ui, sans-serif; color: #1b1f24; max-width: 960px; margin: 0 auto; padding: 1rem; }
    h1 { font-size: 1.5rem; margin: 0 0 .2rem; }
    .privacy { color: #225c2b; margin: 0 0 1rem; }
    fieldset { border: 1px solid #ccd; border-radius: 8px; margin: 0 0 1rem; }
    #dropzone { border: 2px dashed #7a8699; border-radius: 10px; padding: 2rem 1rem; text-align: center; background: #f6f8fb; }
    #dropzone.over { background: #e3f0ff; border-color: #2962c4; }
    .row { display: flex; gap: .75rem; flex-wrap: wrap; align-items: center; justify-content: center; margin-top: .75rem; }
    label.button, button { padding: .4rem .8rem; border: 1px solid #556; border-radius: 6px; background: #fff; cursor: pointer; font: inherit; }
    label.button:focus-within, button:focus-visible { outline: 3px solid #2962c4; }
    input[type=file] { position: absolute; width: 1px; height: 1px; opacity: 0; }
    progress { width: 100%; }
    .error { color: #a4161a; font-weight: 600; }
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; padding: .2rem .5rem; border-bottom: 1px solid #e3e6ea; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; }
    .notes li { margin: .2rem 0; }
    .muted { color: #5b6470; }
  `;

  connectedCallback(): void {
    super.connectedCallback();
    void presentEncoders().then(async (p) => {
      // on-request encoders (CLIP) downloaded once are kept in IndexedDB: present without a fetch
      for (const e of ENCODERS) if (e.onRequest && e.sha256 && !p.has(e.id) && (await hasPinned(e.sha256).catch(() => false))) p.add(e.id);
      this.present = p;
      this.preload();
      // errors are reported by the run that needs them
      if (env.preload) void this.results.prepare().catch(() => undefined);
    });
    void this.refreshCache();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.encoder?.terminate();
    this.encoder = null;
    void this.preloaded?.handle.then((h) => h.terminate(), () => undefined);
    this.preloaded = null;
  }

  get resultsEl(): ZsResults | null {
    return this.renderRoot.querySelector('zs-results');
  }

  get publicEl(): ZsPublicModels | null {
    return this.renderRoot.querySelector('zs-public-models');
  }

  get profileEl(): ZsDeviceProfile | null {
    return this.renderRoot.querySelector('zs-device-profile');
  }

  private async refreshCache() {
    try {
      this.cached = (await cacheStats()).embeddings;
    } catch {
      this.cached = 0;
    }
  }

  /** Download an on-request encoder: called by its button, the user's consent; size shown beside it first. */
  async downloadEncoder(id: string): Promise<void> {
    const e = encoderById(id);
    if (!e.onRequest || !e.sha256 || !e.bytes || this.download) return;
    this.download = { id, done: 0, total: e.bytes, error: '' };
    try {
      const r = await getPinned(pinnedEncoderFile(e), {
        consent: () => true, // the button press is the consent; the size was on it
        onProgress: (done, total) => (this.download = { id, done, total, error: '' }),
      });
      this.importedModel = { id, bytes: r.data };
      this.present = new Set([...this.present, id]);
      this.download = null;
      this.message = `${e.name} downloaded and verified (size and sha256)${r.cached ? '; kept in this browser' : ' (not kept: storage is full)'}.`;
    } catch (err) {
      this.download = { id, done: 0, total: e.bytes, error: `Download failed: ${(err as Error).message}. You can also import a copy of the file (checked the same way).` };
    }
  }

  /** The encoder started when the page opens, while the user picks a folder (env.preload). */
  private preloaded: { key: string; handle: Promise<EncoderHandle>; taken: boolean } | null = null;
  /** a run is loading its encoder now */
  private encoderLoading = false;

  private encoderKeyFor(imported: boolean) {
    return `${this.encoderId}|${this.backendPref}|${imported ? 'imported' : 'served'}`;
  }

  private preload() {
    const e = encoderById(this.encoderId);
    // a run that started before the page knew which encoders are served loads its own: a second pool would be wasted
    if (!env.preload || this.encoder || this.encoderLoading || this.preloaded || e.onRequest || !this.present.has(e.id)) return;
    const handle = loading(() => startEncoder({ encoderId: this.encoderId, prefer: this.backendPref }));
    const pre = { key: this.encoderKeyFor(false), handle, taken: false };
    this.preloaded = pre;
    // dropped before it was ready and not taken by a run (another encoder or backend chosen meanwhile): let it go
    handle.then((h) => { if (this.preloaded !== pre && !pre.taken) h.terminate(); }, () => undefined);
  }

  private async ensureEncoder(): Promise<EncoderHandle> {
    const entry = encoderById(this.encoderId);
    if (entry.onRequest && this.importedModel?.id !== entry.id) {
      const hit = entry.sha256 ? await cachedPinned(entry.sha256).catch(() => undefined) : undefined;
      if (!hit) throw new NotReadyError(`${entry.name} is not downloaded yet: press its Download button (${mb(entry.bytes ?? 0)}) or import the file.`);
      this.importedModel = { id: entry.id, bytes: hit.data };
    }
    // a dropped file of the encoder itself, or of the file a derived encoder is made from
    const own = encoderById(this.encoderId);
    const imported = this.importedModel && (this.importedModel.id === own.id || this.importedModel.id === own.derivedFrom?.id);
    const key = this.encoderKeyFor(Boolean(imported));
    if (this.encoder && this.encoderKey === key) return this.encoder;
    this.encoder?.terminate();
    this.encoder = null;
    this.status = 'loading-encoder';
    this.message = `Loading ${encoderById(this.encoderId).name}…`;
    const pre = this.preloaded;
    this.preloaded = null;
    const modelBytes = imported ? this.importedModel!.bytes.slice(0) : undefined;
    if (pre && pre.key === key) pre.taken = true;
    else if (pre) void pre.handle.then((h) => h.terminate(), () => undefined);
    this.encoderLoading = true;
    try {
      const started = pre?.taken ? await pre.handle.catch(() => null) : null;
      this.encoder = started ?? await loading(() => startEncoder({ encoderId: this.encoderId, prefer: this.backendPref, modelBytes }));
    } finally {
      this.encoderLoading = false;
    }
    this.encoderKey = key;
    this.message = '';
    const b = this.encoder.backend;
    this.backendLine = `${b.backend === 'webgpu' ? 'WebGPU' : 'WASM'} ran the encoder: ${b.reason}${b.backend === 'wasm' ? ` · ${b.workers ?? 1} worker(s) x ${b.threads} thread(s)` : ''}`;
    return this.encoder;
  }

  /** Entry point for every way of giving files (tests call it too). */
  async run(files: PickedFile[], errors: string[] = [], folders: string[] = [], again = false): Promise<RunReport | null> {
    if (!again) this.classLevel = 'top';
    // stage marks for bench:e2e (performance timeline; cheap, nothing leaves the page)
    performance.clearMarks();
    performance.mark('zs:run');
    this.lastInput = { files, errors, folders };
    this.report = null;
    this.progress = null;
    this.message = '';
    try {
      // the offline copy's download of the other files waits until the first table is up (src/offline/gate.ts)
      const report = await foreground(async () => {
        const encoder = await this.ensureEncoder();
        performance.mark('zs:encoder-ready');
        this.status = 'running';
        const r = await runPipeline(
          encoder,
          files,
          { plan: { maxPerClass: this.maxPerClass, seed: this.seed, classLevel: this.classLevel }, k: this.k, folders },
          (p) => (this.progress = p),
          errors,
        );
        this.report = r;
        this.status = r.cancelled ? 'cancelled' : 'done';
        await this.refreshCache();
        if (r.tokens) await this.results.start(r);
        return r;
      });
      this.dispatchEvent(new CustomEvent('zs-run-complete', { detail: report, bubbles: true, composed: true }));
      return report;
    } catch (e) {
      this.status = 'error';
      this.message = e instanceof IngestError || e instanceof NotReadyError ? e.message : `Something went wrong: ${(e as Error).message}`;
      this.dispatchEvent(new CustomEvent('zs-run-error', { detail: this.message, bubbles: true, composed: true }));
      return null;
    }
  }

  /** Run the same input again with the other reading of its folder tree. */
  async readTreeAs(level: ClassLevel): Promise<RunReport | null> {
    if (!this.lastInput) return null;
    this.classLevel = level;
    const { files, errors, folders } = this.lastInput;
    return this.run(files, errors, folders, true);
  }

  private onDragOver(e: DragEvent) {
    e.preventDefault();
    (e.currentTarget as HTMLElement).classList.add('over');
  }

  private onDragLeave(e: DragEvent) {
    (e.currentTarget as HTMLElement).classList.remove('over');
  }

  private onDrop(e: DragEvent) {
    e.preventDefault();
    (e.currentTarget as HTMLElement).classList.remove('over');
    if (!e.dataTransfer) return;
    const only = e.dataTransfer.files.length === 1 ? e.dataTransfer.files[0] : null;
    if (only && /\.onnx$/i.test(only.name)) {
      void this.importModel(only); // an encoder file, not a dataset
      return;
    }
    const gathered = filesFromDrop(e.dataTransfer); // entries taken now, walked after
    void gathered.then(({ files, errors, folders }) => this.run(files, errors, folders));
  }

  private onPick(e: Event) {
    const input = e.target as HTMLInputElement;
    const files = filesFromInput(input.files ?? []);
    input.value = '';
    void this.run(files);
  }

  private async onOpenFolder() {
    const picker = (window as Window & { showDirectoryPicker?: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker;
    if (!picker) return;
    try {
      const { files, errors, folders } = await filesFromDirectoryHandle(await picker());
      await this.run(files, errors, folders);
    } catch (e) {
      if ((e as Error).name !== 'AbortError') this.message = `Could not open the folder: ${(e as Error).message}`;
    }
  }

  private async onImportModel(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) await this.importModel(file);
  }

  /** An encoder file given by the user (air-gapped use): accepted only if its sha256 is pinned. */
  async importModel(file: File) {
    const bytes = await file.arrayBuffer();
    const entry = encoderForHash(await sha256Hex(bytes));
    if (!entry) {
      this.message = `${file.name} is not one of the pinned encoders (its sha256 matches none): refused.`;
      return;
    }
    this.importedModel = { id: entry.id, bytes };
    this.present = new Set([...this.present, entry.id]);
    // an on-request encoder dropped offline is kept like a downloaded one (size + sha256 checked again)
    if (entry.onRequest) await acceptDropped([pinnedEncoderFile(entry)], file).catch(() => undefined);
    this.encoderId = entry.id;
    this.message = `${file.name} verified as ${entry.name} (sha256 matches); it will be used from memory.`;
  }

  /** After the device is profiled: the zoo's cost on it, measured where cached, else predicted. */
  private async onProfile(e: CustomEvent<{ profile: DeviceProfile; deviceKey: string }>) {
    const el = e.currentTarget as ZsDeviceProfile;
    const micro = e.detail.profile.micro.wasm;
    if (!micro || 'error' in micro) return;
    try {
      const cat = (await (await fetch(new URL('models/zoo/catalogue.json', document.baseURI))).json()) as { models: Parameters<typeof zooModel>[0][] };
      const measured = new Map((await costsForDevice(e.detail.deviceKey)).map((c) => [c.modelId, c]));
      el.costs = cat.models.map((m) => costFor(zooModel(m), measured, micro));
      performance.mark('zs:device-profile');
      this.results.setDevice(e.detail.profile, e.detail.deviceKey, micro as MicroBench, new Map<string, ModelCost>(el.costs.map((c) => [c.modelId, c])));
    } catch (err) {
      this.message = `Could not load the zoo catalogue: ${(err as Error).message}`;
    }
  }

  private async onClearCache() {
    await clearCache();
    await this.refreshCache();
    this.message = 'Cache cleared.';
  }

  private downloadTokens() {
    if (!this.report?.tokens) return;
    const blob = new Blob([JSON.stringify(this.report.tokens)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `dataset-tokens-${this.report.tokens.encoder.id}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  private renderProgress() {
    const p = this.progress;
    if (this.status !== 'running' || !p) return this.status === 'loading-encoder' ? html`<p aria-live="polite">${this.message}</p>` : nothing;
    return html`
      <section aria-label="Progress">
        <progress max=${p.total} value=${p.done} aria-label="Images processed"></progress>
        <p aria-live="polite" id="progress-text">
          ${p.done} / ${p.total} images · ${p.rate ? p.rate.toFixed(1) : '—'} images/s · about ${duration(p.etaSeconds)} left
          ${p.fromCache ? html` · ${p.fromCache} from cache` : nothing}${p.skipped ? html` · ${p.skipped} skipped` : nothing}
        </p>
        <button id="cancel" @click=${() => this.encoder?.cancel()}>Cancel</button>
      </section>`;
  }

  private renderReport() {
    const r = this.report;
    if (!r) return nothing;
    const t = r.tokens;
    const byReason = new Map<string, typeof r.skipped>();
    for (const s of r.skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s]);
    return html`
      <section aria-label="Result" id="result">
        <h2>${t ? `${t.classes.length} ${t.labelled ? 'classes' : 'clusters'}, ${t.stats.images} images embedded` : 'No tokens'}</h2>
        <p class="muted" id="run-stats">
          ${r.encode.encoded} encoded, ${r.encode.fromCache} from cache, in ${r.encode.seconds.toFixed(1)} s
          · encoder ${r.encode.backend.backend.toUpperCase()}
        </p>
        ${r.notes.length ? html`<ul class="notes" id="notes">${r.notes.map((n) => html`<li>${n}</li>`)}</ul>` : nothing}
        ${r.plan.rule?.alternative
          ? html`<p><button id="class-level" @click=${() => this.readTreeAs(r.plan.rule!.alternative!.level)}>Read ${r.plan.rule.alternative.level === 'leaf' ? 'each folder holding images' : 'each first-level folder'} as a class (${r.plan.rule.alternative.classes} classes)</button></p>`
          : nothing}
        ${r.skipped.length
          ? html`<details id="skipped"><summary>${r.skipped.length} file(s) skipped</summary>
              ${[...byReason].map(([reason, list]) => html`
                <h3>${REASON_LABELS[reason] ?? reason} (${list.length})</h3>
                <ul>${list.slice(0, 200).map((s) => html`<li><code>${s.path}</code> — ${s.detail}</li>`)}
                ${list.length > 200 ? html`<li>… and ${list.length - 200} more</li>` : nothing}</ul>`)}
            </details>`
          : nothing}
        ${t
          ? html`<table id="classes">
                <caption class="muted">Dataset tokens (${t.encoder.id}, ${t.encoder.dim}-d)</caption>
                <thead><tr><th scope="col">${t.labelled ? 'class' : 'cluster'}</th><th scope="col">images</th><th scope="col">concentration</th></tr></thead>
                <tbody>${t.classes.map((c) => html`<tr><td>${c.name}</td><td class="num">${c.count}</td><td class="num">${c.concentration.toFixed(3)}</td></tr>`)}</tbody>
              </table>
              <p><button id="download-tokens" @click=${this.downloadTokens}>Download tokens (JSON)</button></p>`
          : nothing}
      </section>`;
  }

  private renderEncoderNotes() {
    const e = encoderById(this.encoderId);
    const d = this.download?.id === e.id ? this.download : null;
    return html`
      ${e.onRequest && !this.present.has(e.id)
        ? html`<div id="encoder-download">
            <p>${e.name} is <strong>${mb(e.bytes ?? 0)}</strong>, from ${new URL(e.urls[0]).host} (pinned revision, sha256 ${e.sha256?.slice(0, 12)}…).
              Nothing is downloaded until you press the button; the file is checked (size, then sha256) and kept in this browser. Or import a copy you have.</p>
            <button id="encoder-download-run" ?disabled=${!!d && !d.error} @click=${() => this.downloadEncoder(e.id)}>Download ${mb(e.bytes ?? 0)}</button>
            ${d && !d.error ? html`<progress max=${d.total} value=${d.done} aria-label="Encoder download"></progress> ${mb(d.done)} of ${mb(d.total)}` : nothing}
            ${d?.error ? html`<p role="alert">${d.error}</p>` : nothing}
          </div>`
        : nothing}
      ${e.id !== DEFAULT_ENCODER_ID ? html`<p id="no-ranker" class="muted">${noRankerNote(e)}</p>` : nothing}`;
  }

  render() {
    return html`
      <header>
        <h1>ZooScout</h1>
        <p class="privacy">Which pre-trained model should you fine-tune? Your images are read and embedded in this tab; none leaves your machine.</p>
      </header>
      <fieldset>
        <legend>Encoder</legend>
        <label>Encoder
          <select id="encoder" @change=${(e: Event) => (this.encoderId = (e.target as HTMLSelectElement).value)}>
            ${ENCODERS.map((e) => html`<option value=${e.id} ?selected=${e.id === this.encoderId} ?disabled=${!this.present.has(e.id) && !e.onRequest}>
              ${e.name}${this.present.has(e.id) ? '' : e.onRequest ? ` — download ${mb(e.bytes ?? 0)} on consent` : ' — unavailable'}</option>`)}
          </select>
        </label>
        ${this.renderEncoderNotes()}
        <label>Backend
          <select id="backend" @change=${(e: Event) => (this.backendPref = (e.target as HTMLSelectElement).value as BackendPreference)}>
            <option value="auto">WebGPU first, WASM fallback</option>
            <option value="webgpu">WebGPU</option>
            <option value="wasm">WASM only</option>
          </select>
        </label>
        <label class="button">Import encoder file (.onnx)
          <input id="model-input" type="file" accept=".onnx" @change=${this.onImportModel}>
        </label>
        ${this.backendLine ? html`<p id="backend-line" class="muted">${this.backendLine}</p>` : nothing}
      </fieldset>
      <fieldset>
        <legend>Your images</legend>
        <div id="dropzone" @dragover=${this.onDragOver} @dragleave=${this.onDragLeave} @drop=${this.onDrop}
             aria-label="Drop a folder of images here">
          <p><strong>Drop a folder here</strong> — one subfolder per class, or a flat folder (clustered).
            An encoder <code>.onnx</code> dropped here is checked against its pinned sha256.</p>
          <div class="row">
            <label class="button">Choose folder
              <input id="folder-input" type="file" webkitdirectory multiple @change=${this.onPick}>
            </label>
            <label class="button">Choose images
              <input id="files-input" type="file" multiple accept="image/*" @change=${this.onPick}>
            </label>
            ${'showDirectoryPicker' in window ? html`<button id="open-folder" @click=${this.onOpenFolder}>Open folder…</button>` : nothing}
          </div>
        </div>
        <div class="row">
          <label>Images per class <input id="max-per-class" type="number" min="2" max="1000" .value=${String(this.maxPerClass)}
            @change=${(e: Event) => (this.maxPerClass = Number((e.target as HTMLInputElement).value) || 50)}></label>
          <label>Seed <input id="seed" type="number" .value=${String(this.seed)}
            @change=${(e: Event) => (this.seed = Number((e.target as HTMLInputElement).value) || 0)}></label>
          <label>Clusters (unlabelled) <input id="k" type="number" min="2" max="100" placeholder="auto"
            @change=${(e: Event) => { const v = Number((e.target as HTMLInputElement).value); this.k = v >= 2 ? v : undefined; }}></label>
        </div>
      </fieldset>
      <fieldset>
        <legend>This device</legend>
        <zs-device-profile @profile=${this.onProfile}></zs-device-profile>
      </fieldset>
      ${this.message ? html`<p id="message" class=${this.status === 'error' ? 'error' : ''} role=${this.status === 'error' ? 'alert' : 'status'}>${this.message}</p>` : nothing}
      ${this.renderProgress()}
      ${this.renderReport()}
      <section aria-label="Recommendations" id="results-section">
        <h2>${this.report?.tokens ? 'Recommended models' : 'Recommendations'}</h2>
        ${this.results.status ? html`<p id="results-status" class="muted" aria-live="polite">${this.results.status}</p>` : nothing}
        <zs-results id="results"></zs-results>
      </section>
      <section aria-label="Public models: download and check" id="public-section" ?hidden=${!this.report?.tokens}>
        <h3>Public models: download and check</h3>
        <p class="muted">The public catalogue (torchvision, timm, the ONNX Model Zoo) is in the table above, kind <em>public</em>. Its weights download only when you
          check one (its card, or the top rows), after you see the size and agree, from their pinned address, checked by sha256; or give a file you already have.</p>
        <zs-public-models id="public-models"></zs-public-models>
      </section>
      <footer class="muted">
        Cache: <span id="cache-count">${this.cached}</span> embeddings stored in this browser.
        <button id="clear-cache" @click=${this.onClearCache}>Clear cache</button>
      </footer>`;
  }
}

customElements.define('zs-app', ZsApp);

declare global {
  interface HTMLElementTagNameMap {
    'zs-app': ZsApp;
  }
}
