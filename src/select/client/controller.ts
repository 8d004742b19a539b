// The results stage's glue (a Lit reactive controller of <zs-app>): ranks the zoo and the user's own
// models once tokens exist, keeps costs (predicted, then measured here), runs the fine stage and
// latency measurements in workers, and feeds <zs-results>. No user data leaves the page.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RunReport } from '../../app/pipeline.ts';
import type { ZsResults } from './results.ts';
import type { ZsPublicModels } from '../../catalogue/client/public-models.ts';
import type { ZsDeviceProfile } from '../../hardware/client/device-profile.ts';
import type { DeviceProfile, MeasuredCost, MicroBench, ModelCost } from '../../hardware/shared/types.ts';
import { startHardware, zooModel, type HardwareHandle } from '../../hardware/client/hardware-client.ts';
import { predictCost } from '../../hardware/shared/cost-model.ts';
import { tokenForOnnx } from '../../rank/client/ranker.ts';
import { candidates, explainModel, loadResultsContext, rankAll, type Explanation, type ExtraModel, type Ranking, type ResultsContext, type ScoredElsewhere } from './session.ts';
import { Registry, fromEncoder, fromNpm, fromPublic, fromRealTfjs, fromUser, fromZoo } from '../../registry/shared/registry.ts';
import { costDescription, type PageModel } from '../../catalogue/shared/public-page.ts';
import type { PublicCheckedDetail } from '../../catalogue/client/public-models.ts';
import type { RealDownloadInfo } from '../../realzoo/client/download.ts';
import type { FineCheck } from '../shared/recommendation.ts';
import { isTfjsModelId, startFine, tfjsFineModel, type FineHandle } from '../../fine/client/fine-client.ts';
import type { FineModel, FineProgress } from '../../fine/shared/types.ts';
import { addUserModel, listUserModels, removeUserModel, toFineModel, userModelCost, type UserModelRecord } from '../../openzoo/client/openzoo.ts';
import { checkOnnx } from '../../openzoo/shared/validate.ts';
import { USER_MODEL_FORMAT_VERSION } from '../../openzoo/shared/types.ts';
import { ENCODERS, encoderById } from '../../encode/shared/manifest.ts';
import { presentEncoderInfo } from '../../encode/client/encoder-client.ts';
import { loading } from '../../offline/gate.ts';
import { REAL_BACKBONES, REAL_TFJS_IDS } from '../../realzoo/shared/backbones.ts';
import { env } from '../../env.ts';
import { duration } from '../../ui/format.ts';
import { fineEligibility } from '../../fine/shared/eligible.ts';
import { noRankerNote } from '../../rank/shared/no-ranker.ts';

type Host = ReactiveControllerHost & HTMLElement & { resultsEl: ZsResults | null; profileEl: ZsDeviceProfile | null; publicEl: ZsPublicModels | null };

/** What the registry needs of a checked ONNX file. */
function onnxInfo(r: UserModelRecord) {
  const s = r.info.input.shape[2];
  return { sha256: r.sha256, params: r.info.params, macs: r.info.macs, bytes: r.bytes.byteLength, inputSize: typeof s === 'number' && s > 0 ? s : null };
}

const STAGES: Record<FineProgress['stage'], string> = { loading: 'loading', features: 'features', scores: 'scores', probe: 'linear probe' };

export class ResultsController implements ReactiveController {
  status = '';
  private ctx: ResultsContext | null = null;
  private ctxLoading: Promise<ResultsContext> | null = null;
  private report: RunReport | null = null;
  private ranking: Ranking | null = null;
  private costs = new Map<string, ModelCost>();
  private micro: MicroBench | null = null;
  private profile: DeviceProfile | null = null;
  private deviceKey = '';
  private fineChecks = new Map<string, FineCheck>();
  private user: { record: UserModelRecord; extra: ExtraModel }[] = [];
  /** the tfjs candidates served by this app: npm packages' models (kind npm) and the real tfjs backbones (kind real) */
  private npm: ExtraModel[] = [];
  /** the public catalogue's rows (scored by the public ranker in <zs-public-models>), for the current tokens */
  private publicRows: ScoredElsewhere[] = [];
  /** their catalogue records (what a cost is predicted from), by registry id */
  private publicModels = new Map<string, PageModel>();
  /** the one registry of this page's candidates (docs/registry.md): the table, the check and the latency measurement look models up here */
  readonly registry = new Registry();
  /** real ImageNet-pretrained backbones served by this app: the ONNX encoders, as candidates (measured GT: data/real-gt) */
  private real: { record: UserModelRecord; extra: ExtraModel; preprocess: (typeof ENCODERS)[number]['preprocess'] }[] = [];
  private fineHandle: FineHandle | null = null;
  private hw: HardwareHandle | null = null;
  private fineState = { running: false, line: '', done: 0, total: 0, note: '' };
  private busy = '';

  constructor(private host: Host) {
    host.addController(this);
  }

  hostConnected(): void {
    const h = this.host;
    h.addEventListener('zs-fine-run', (e) => void this.runFine((e as CustomEvent<{ ids: string[] }>).detail.ids));
    h.addEventListener('zs-fine-cancel', () => void this.fineHandle?.cancel());
    h.addEventListener('zs-measure', (e) => void this.measure((e as CustomEvent<{ ids: string[] }>).detail.ids));
    h.addEventListener('zs-add-model', (e) => void this.addModel((e as CustomEvent<{ file: File }>).detail.file));
    h.addEventListener('zs-remove-model', (e) => void this.removeModel((e as CustomEvent<{ id: string }>).detail.id));
    // the public catalogue joins the one table once scored; its checks come back as rows' checks and costs
    h.addEventListener('zs-public-ranked', () => this.loadPublicRows());
    h.addEventListener('zs-public-checked', (e) => this.publicChecked((e as CustomEvent<PublicCheckedDetail>).detail));
    h.addEventListener('zs-public-check', (e) => void this.checkPublic((e as CustomEvent<{ ids: string[] }>).detail.ids));
    h.addEventListener('zs-real-consent', (e) => void this.answerReal((e as CustomEvent<{ accept: boolean }>).detail.accept));
    h.addEventListener('zs-real-files', (e) => void this.realFiles((e as CustomEvent<{ files: File[] }>).detail.files));
  }

  hostDisconnected(): void {
    this.fineHandle?.terminate();
    this.hw?.terminate();
    this.fineHandle = this.hw = null;
  }

  private setStatus(s: string) {
    this.status = s;
    this.host.requestUpdate();
  }

  private async context(): Promise<ResultsContext> {
    if (this.ctx) return this.ctx;
    this.ctxLoading ??= loadResultsContext();
    this.ctx = await this.ctxLoading;
    this.registry.put(...this.ctx.catalogue.models.map((z) => fromZoo(z)));
    return this.ctx;
  }

  private preparing: Promise<ResultsContext> | null = null;
  /** The ranker, the catalogue and the served candidates (ONNX encoders, npm and tfjs backbones): the
   * same for every folder, so loaded once, from the moment the page opens (the app calls this while
   * the user picks a folder) rather than after the images are embedded. */
  prepare(): Promise<ResultsContext> {
    this.preparing ??= (async () => {
      const ctx = await this.context();
      await this.loadRealModels(ctx);
      await this.loadNpmModels(ctx);
      return ctx;
    })().catch((e: unknown) => {
      this.preparing = null; // tried again by the next run, which reports the error
      throw e;
    });
    return this.preparing;
  }

  /** After a run: rank everything for the new tokens (the ranker runs on the main thread: a few ms). */
  async start(report: RunReport): Promise<void> {
    this.report = report;
    this.fineChecks.clear();
    try {
      this.setStatus('Loading the ranker…');
      const ctx = await this.prepare();
      performance.mark('zs:ranker-loaded');
      if (report.tokens?.encoder.id !== ctx.ranker.scorer.art.encoder.id) {
        this.setStatus(noRankerNote(encoderById(report.tokens!.encoder.id)));
        return;
      }
      await this.loadUserModels(ctx);
      this.predictNpm();
      this.rerank();
      performance.mark('zs:ranked');
      this.setStatus('');
      // costs need this device's micro-benchmark: measure it once, unasked (a second or two)
      if (!this.micro) void this.host.profileEl?.run(1500);
    } catch (e) {
      this.setStatus(`Could not rank the models: ${(e as Error).message}`);
    }
  }

  private extras(): ExtraModel[] {
    return [...this.real.map((r) => r.extra), ...this.npm, ...this.user.map((u) => u.extra)];
  }

  /** The ONNX encoders served here, each a candidate of kind 'real' (the same checks, token and cost path as a user's ONNX file). */
  private async loadRealModels(ctx: ResultsContext) {
    if (this.real.length) return;
    const present = await presentEncoderInfo();
    for (const e of ENCODERS) {
      // not fetched at all when the index says its MACs cannot be counted (see below)
      // a derived encoder (float32 MobileNetV2) is the int8 model run faster here: the int8 file is the candidate
      if (!present.has(e.id) || e.onRequest || e.derivedFrom || present.get(e.id)!.macs === null) continue;
      try {
        const bytes = await loading(async () => {
          const r = await fetch(env.modelsBase + e.file);
          return r.ok ? new Uint8Array(await r.arrayBuffer()) : null;
        });
        if (!bytes) continue;
        const v = await checkOnnx(bytes, e.name);
        // a candidate needs a cost here (the top pick must meet the speed budget): its MACs, counted
        // from the graph (all three ONNX encoders since the shape walk follows Split/Concat/shuffles)
        if (!v.ok || v.info.macs === null) continue;
        const record: UserModelRecord = {
          version: USER_MODEL_FORMAT_VERSION, id: `real:${e.id}`, name: e.name, sha256: v.info.sha256,
          bytes: bytes.buffer as ArrayBuffer, info: v.info, addedAt: 0,
        };
        const entry = fromEncoder(e, onnxInfo(record), env.modelsBase);
        // the encoder's feature width is known (its int8/QDQ/conv head is not readable as a float matrix)
        const extra: ExtraModel = { prepared: tokenForOnnx(ctx.ranker, record.id, bytes, { featureDim: e.dim }), entry };
        this.real.push({ record, extra, preprocess: e.preprocess });
        this.registry.put(entry);
        const c = this.userCost(record);
        if (c) this.costs.set(record.id, c);
      } catch (err) {
        this.setStatus(`${e.name} could not be prepared as a candidate: ${(err as Error).message}`);
      }
    }
  }

  private async loadNpmModels(ctx: ResultsContext) {
    if (this.npm.length) return;
    try {
      const { npmCandidates } = await import('../../npmzoo/client/npm-models.ts'); // ~160 KB of generated tokens: loaded on use
      this.npm = npmCandidates(ctx.ranker).map((c) => ({ prepared: c.token, entry: fromNpm(c) }));
      // the real ImageNet backbones in tfjs (../shared/models/real, pinned by sha256): the same path
      for (const c of npmCandidates(ctx.ranker, REAL_TFJS_IDS)) {
        const b = REAL_BACKBONES.find((x) => x.id === c.id)!;
        this.npm.push({ prepared: c.token, entry: fromRealTfjs({ ...c, label: b.label }, b) });
      }
      this.registry.put(...this.npm.map((x) => x.entry));
    } catch (e) {
      this.setStatus(`The npm models could not be prepared: ${(e as Error).message}`);
    }
  }

  private rerank() {
    if (!this.ctx || !this.report?.tokens) return;
    this.ranking = rankAll(this.ctx, this.report.tokens, this.extras());
    this.push();
  }

  setDevice(profile: DeviceProfile, deviceKey: string, micro: MicroBench, zooCosts: Map<string, ModelCost>) {
    this.profile = profile;
    this.deviceKey = deviceKey;
    this.micro = micro;
    for (const [id, c] of zooCosts) if (!(this.costs.get(id)?.source === 'measured' && c.source !== 'measured')) this.costs.set(id, c);
    for (const u of [...this.user, ...this.real]) {
      const c = this.costs.has(u.record.id) ? null : this.userCost(u.record);
      if (c) this.costs.set(u.record.id, c);
    }
    this.predictNpm();
    this.push();
  }

  /**
   * npm models run in tfjs, not onnxruntime: their prediction comes from MACs and the ONNX WASM
   * micro-benchmark all the same (generic structure), labelled predicted, until measured here.
   */
  private predictNpm() {
    if (!this.micro) return;
    for (const { entry: e } of this.npm) {
      if (this.costs.has(e.id) || !e.macs) continue;
      this.costs.set(e.id, predictCost({ id: e.id, macs: e.macs, params: e.params ?? 0, bytes: e.bytes ?? 4 * (e.params ?? 0) }, this.micro));
    }
    this.predictPublic();
  }

  private userCost(r: UserModelRecord): ModelCost | null {
    return this.micro ? userModelCost(r, { micro: this.micro }).predicted : null;
  }

  private push() {
    const el = this.host.resultsEl;
    const ctx = this.ctx, r = this.ranking, rep = this.report;
    if (!el || !ctx || !r || !rep?.tokens) return;
    const t = rep.tokens;
    el.candidates = candidates(r, this.registry, this.costs, this.fineChecks, this.publicRows);
    el.meta = {
      ranker: { id: ctx.ranker.scorer.art.id, kind: 'cross', ms: r.ms },
      dataset: { classes: t.classes.length, images: t.stats.images, labelled: t.labelled, encoder: { id: t.encoder.id, sha256: t.encoder.sha256 } },
      device: this.profile,
    };
    el.explain = (id) => {
      const r = this.ranking;
      if (!r) return null;
      // the card and the top pick's sentence ask on every render: once per ranking and model
      let m = this.explained.get(r);
      if (!m) this.explained.set(r, (m = new Map()));
      if (!m.has(id)) m.set(id, explainModel(ctx, r, id));
      return m.get(id)!;
    };
    el.userModels = this.user.map((u) => ({ id: u.record.id, label: u.record.name }));
    el.fine = { ...this.fineState, blocked: rep.plan.labelled ? this.eligibility().blocked : '' };
    el.realConsent = this.realConsent ? { labels: this.realConsent.info.map((i) => i.label), files: this.realConsent.info.reduce((s, i) => s + i.files, 0), bytes: this.realConsent.info.reduce((s, i) => s + i.bytes, 0), hosts: [...new Set(this.realConsent.info.flatMap((i) => i.hosts))] } : null;
    el.busy = this.busy;
    this.pushPublic();
    this.host.requestUpdate();
  }

  /** The public catalogue beside the zoo: same tokens, images and device. */
  private pushPublic() {
    const pub = this.host.publicEl;
    const plan = this.report?.plan;
    if (!pub || !this.report?.tokens || !plan) return;
    if (pub.tokens !== this.report.tokens) {
      pub.tokens = this.report.tokens;
      pub.images = plan.labelled ? this.labelledImages() : [];
      pub.classNames = plan.labelled ? plan.classes.map((c) => c.name) : [];
    }
    if (this.micro && pub.micro !== this.micro) {
      pub.micro = this.micro;
      pub.deviceKey = this.deviceKey;
    }
  }

  /** The check's view of a registry entry: how the worker gets its weights and features. */
  private fineModel(id: string): FineModel | null {
    const e = this.registry.get(id);
    if (!e) return null;
    // npm models and the real tfjs backbones run in tfjs, in the same worker
    if (e.runtime === 'tfjs' && isTfjsModelId(id)) return tfjsFineModel(id, e.label);
    const z = e.kind === 'zoo' ? this.ctx?.catalogue.models.find((m) => m.id === id) : undefined;
    if (z) {
      return {
        id, label: id, source: { url: new URL(`models/zoo/${z.file}`, document.baseURI).href }, sha256: z.sha256,
        inputName: z.input.name, featuresOutput: z.outputs.features, logitsOutput: z.outputs.logits, preprocess: z.preprocess,
      };
    }
    const real = this.real.find((x) => x.record.id === id);
    if (real) return { ...toFineModel(real.record), preprocess: real.preprocess }; // the encoder's own preprocessing
    const u = this.user.find((x) => x.record.id === id);
    return u ? toFineModel(u.record) : null;
  }

  /** The sampled labelled images, less duplicates and label conflicts (a duplicate in two folds would inflate the check). */
  private labelledImages() {
    const plan = this.report!.plan;
    const out = new Set(this.report!.skipped.filter((s) => s.reason === 'duplicate' || s.reason === 'label-conflict').map((s) => s.path));
    return plan.classes.flatMap((c, ci) => c.items.filter((f) => !out.has(f.path)).map((f) => ({ path: f.path, file: f.file, label: ci })));
  }

  /** Which classes the check can use (2+ images each, 2+ such classes), after duplicates are set aside; once per report (push() runs on every progress message). */
  private eligibility() {
    const rep = this.report!;
    let e = this.eligible.get(rep);
    if (!e) {
      const counts = rep.plan.classes.map(() => 0);
      for (const im of this.labelledImages()) counts[im.label]++;
      e = fineEligibility(counts, rep.plan.classes.map((c) => c.name));
      this.eligible.set(rep, e);
    }
    return e;
  }
  private explained = new WeakMap<Ranking, Map<string, Explanation>>();
  private eligible = new WeakMap<RunReport, ReturnType<typeof fineEligibility>>();

  /** The fine stage on the user's own (sampled, labelled) images. */
  async runFine(ids: string[]) {
    const plan = this.report?.plan;
    if (!plan || this.fineState.running) return;
    if (!(await this.realReady(ids, () => void this.runFine(ids)))) return;
    if (!plan.labelled) {
      this.fineState = { ...this.fineState, note: 'The check needs labelled classes (one subfolder per class).' };
      this.push();
      return;
    }
    // public catalogue models need their file first (size shown, consent asked): <zs-public-models> runs them
    const pub = ids.filter((id) => id.startsWith('public:'));
    if (pub.length) void this.checkPublic(pub);
    ids = ids.filter((id) => !id.startsWith('public:'));
    if (!ids.length) return;
    const models = ids.map((id) => this.fineModel(id)).filter((m): m is FineModel => !!m);
    const notRunnable = ids.filter((id) => !models.some((m) => m.id === id));
    const ok = this.eligibility();
    if (ok.blocked) {
      this.fineState = { ...this.fineState, note: ok.blocked };
      this.push();
      return;
    }
    // classes with a single image stay out: labels renumbered over the classes kept
    const relabel = new Map(ok.classes.map((c, j) => [c, j]));
    const images = this.labelledImages().filter((im) => relabel.has(im.label)).map((im) => ({ ...im, label: relabel.get(im.label)! }));
    const classNames = ok.classes.map((c) => plan.classes[c].name);
    this.fineState = { running: true, line: `Starting the check of ${models.length} models on ${images.length} images…`, done: 0, total: images.length * models.length, note: '' };
    this.push();
    try {
      this.fineHandle ??= await startFine();
      const res = await this.fineHandle.run(
        { models, images, classNames, seed: 0 },
        (p) => {
          if (!this.fineState.running) return; // a late progress message after the run ended
          this.fineState = {
            ...this.fineState,
            done: (p.model - 1) * p.total + p.done,
            line: `${STAGES[p.stage]} · model ${p.model} of ${p.models} · ${p.done} / ${p.total} images · ${p.rate ? p.rate.toFixed(1) : '—'} images/s · about ${duration(p.etaSeconds)} left`,
          };
          this.push();
        },
      );
      for (const m of res.models) {
        this.fineChecks.set(m.id, { status: m.status, accuracy: m.probe?.accuracy, logme: m.scores?.LogME, error: m.error });
      }
      const done = res.models.filter((m) => m.status === 'done').length;
      const failed = res.models.filter((m) => m.status === 'failed');
      this.fineState = {
        running: false, done: 0, total: 0,
        line: `${res.cancelled ? 'Cancelled: ' : ''}checked ${done} of ${models.length} models on your images.`,
        note: [
          ok.note,
          res.skipped.length ? `${res.skipped.length} image(s) skipped.` : '',
          notRunnable.length ? `Not checked (not in the registry of this page): ${notRunnable.join(', ')}.` : '',
          ...failed.map((m) => `${m.id} failed: ${m.error ?? 'unknown error'}.`),
        ].filter(Boolean).join(' '),
      };
    } catch (e) {
      this.fineState = { running: false, done: 0, total: 0, line: '', note: `The check failed: ${(e as Error).message}` };
    }
    this.push();
  }

  /** Latency of the given models measured on this device (WASM), replacing predictions. */
  async measure(ids: string[]) {
    if (!this.ctx || this.busy) return;
    if (!(await this.realReady(ids, () => void this.measure(ids)))) return;
    if (!this.deviceKey) {
      this.busy = 'Measure this device first (above).';
      this.push();
      this.busy = '';
      return;
    }
    try {
      this.hw ??= await startHardware({ backend: 'wasm', deviceKey: this.deviceKey });
      let k = 0;
      const notes: string[] = [];
      for (const id of ids) {
        this.busy = `Measuring latency: ${++k} of ${ids.length} (${id})…`;
        this.push();
        const e = this.registry.get(id);
        if (!e) {
          notes.push(`${id}: not in this page's registry.`);
          continue;
        }
        if (e.kind === 'public') {
          notes.push(`${id}: a public model is measured when it is checked (its file is downloaded on your consent).`);
          continue;
        }
        const z = e.kind === 'zoo' ? this.ctx.catalogue.models.find((m) => m.id === id) : undefined;
        try {
          if (z) this.costs.set(id, (await this.hw.measure(zooModel(z))).cost);
          else if (e.runtime === 'tfjs') this.costs.set(id, await this.measureNpm(id));
          else {
            const u = this.user.find((x) => x.record.id === id) ?? this.real.find((x) => x.record.id === id);
            if (u) this.costs.set(id, (await userModelCost(u.record, { micro: this.micro!, hw: this.hw }).measure()).cost);
          }
        } catch (e) {
          notes.push(`${id}: ${(e as Error).message}`);
        }
      }
      this.busy = `Measured ${ids.length - notes.length} of ${ids.length} model(s) on this device.${notes.length ? ' ' + notes.join(' ') : ''}`;
    } catch (e) {
      this.busy = `Measurement failed: ${(e as Error).message}`;
    }
    this.push();
    this.busy = '';
  }

  /** An npm (tfjs) model's latency, measured in the page on the current tfjs backend. */
  private async measureNpm(id: string): Promise<ModelCost> {
    const { measureNpmLatency } = await import('../../npmzoo/client/npm-models.ts');
    const lat = await measureNpmLatency(id);
    const e = this.registry.get(id)!;
    const bytes = e.bytes ?? 4 * (e.params ?? 0);
    return {
      version: 1, source: 'measured', modelId: id, modelSha256: '', backend: `tfjs-${lat.backend}` as MeasuredCost['backend'], threads: 1,
      createMs: lat.loadMs, coldMs: lat.coldMs, warm: lat.warm,
      throughput: { batch: 1, msPerBatch: lat.warm, imagesPerSec: 1000 / lat.warm.p50 },
      modelBytes: bytes, peakMemoryBytes: bytes * 2, measuredAt: lat.measuredAt,
    };
  }

  private async tokenise(ctx: ResultsContext, record: UserModelRecord, bytes: ArrayBuffer): Promise<ExtraModel> {
    return { prepared: tokenForOnnx(ctx.ranker, record.id, new Uint8Array(bytes)), entry: fromUser(record.name, onnxInfo(record), record.id) };
  }

  // ------------------------------------------------------------ real tfjs backbones this build does not serve

  /** asked in the page: the backbones to fetch, their size, and what to do once they are here */
  private realConsent: { ids: string[]; info: RealDownloadInfo[]; resume: () => void } | null = null;
  private realAbort: AbortController | null = null;

  /** The real tfjs backbones among `ids` that neither this build serves nor IndexedDB holds (a clone without ../shared). */
  private async missingReal(ids: string[]): Promise<string[]> {
    const real = ids.filter((id) => REAL_TFJS_IDS.includes(id));
    if (!real.length) return [];
    const [{ npmBuildIndex, npmEntry }, { realBackboneStored }] = await Promise.all([import('../../npmzoo/client/npm-models.ts'), import('../../realzoo/client/download.ts')]);
    const index = await npmBuildIndex().catch(() => null);
    const out: string[] = [];
    for (const id of real) if (!index?.models[npmEntry(id).key] && !(await realBackboneStored(id))) out.push(id);
    return out;
  }

  /** true: go on; false: the size is shown and consent asked first, and the action resumes once they are here. */
  private async realReady(ids: string[], resume: () => void): Promise<boolean> {
    const need = await this.missingReal(ids);
    if (!need.length) return true;
    const { realBackboneDownload } = await import('../../realzoo/client/download.ts');
    this.realConsent = { ids: need, info: need.map(realBackboneDownload), resume };
    this.push();
    return false;
  }

  private async answerReal(accept: boolean) {
    const c = this.realConsent;
    if (!c) return;
    if (!accept) {
      this.realAbort?.abort();
      this.realConsent = null;
      this.fineState = { ...this.fineState, note: `Nothing was downloaded (${c.ids.length} backbone(s) declined).` };
      this.push();
      return;
    }
    const { getRealBackbone } = await import('../../realzoo/client/download.ts');
    this.realAbort = new AbortController();
    const failed: string[] = [];
    for (const id of c.ids) {
      try {
        await getRealBackbone(id, {
          consent: true, signal: this.realAbort.signal,
          onProgress: (p) => {
            this.busy = `Downloading ${id}: ${p.filesDone} of ${p.files} files, ${(p.bytesDone / 1e6).toFixed(1)} of ${(p.bytes / 1e6).toFixed(1)} MB, ${(p.bytesPerSecond / 1e6).toFixed(1)} MB/s${p.secondsLeft != null ? `, about ${duration(p.secondsLeft)} left` : ''}`;
            this.push();
          },
        });
      } catch (e) {
        failed.push(`${id}: ${(e as Error).message}. You can give its files through "Use files you already have".`);
      }
    }
    this.busy = '';
    this.realAbort = null;
    this.realConsent = null;
    if (failed.length) {
      this.fineState = { ...this.fineState, note: failed.join(' ') };
      this.push();
      return;
    }
    c.resume();
  }

  /** "Use files you already have" for the backbones asked about: matched by sha256, stored when a model is complete. */
  private async realFiles(files: File[]) {
    const c = this.realConsent;
    const { acceptRealBackboneFiles } = await import('../../realzoo/client/download.ts');
    const r = await acceptRealBackboneFiles(files);
    this.fineState = { ...this.fineState, note: r.message };
    if (c && !(await this.missingReal(c.ids)).length) {
      this.realConsent = null;
      c.resume();
    }
    this.push();
  }

  // ------------------------------------------------------------ the public catalogue's rows

  /** The public catalogue, scored for the current tokens by <zs-public-models>: rows of kind 'public' in the one table. */
  private loadPublicRows() {
    const pub = this.host.publicEl;
    if (!pub || pub.tokens !== this.report?.tokens) return;
    const ranked = pub.ranked();
    this.publicRows = ranked.map(({ model, score, standing, licence }) => ({ entry: fromPublic(model, licence), fit: standing, raw: score }));
    this.publicModels = new Map(ranked.map((r) => [`public:${r.model.id}`, r.model]));
    this.registry.put(...this.publicRows.map((x) => x.entry));
    for (const [id, c] of pub.measured) this.costs.set(`public:${id}`, c);
    this.predictPublic();
    this.push();
  }

  /** Public models' costs: predicted from their catalogue GMACs, parameters and operators until measured here. */
  private predictPublic() {
    if (!this.micro) return;
    for (const row of this.publicRows) {
      const id = row.entry.id;
      if (this.costs.has(id)) continue;
      const d = costDescription(this.publicModels.get(id)!);
      if (d) this.costs.set(id, predictCost({ ...d, id }, this.micro));
    }
  }

  /** "Check" of public models picked in the table: <zs-public-models> asks for consent, downloads (pinned, sha256), checks and measures. */
  private async checkPublic(ids: string[]) {
    const pub = this.host.publicEl;
    if (!pub) return;
    pub.images = this.report?.plan.labelled ? this.labelledImages() : [];
    await pub.checkIds(ids.filter((id) => id.startsWith('public:')).map((id) => id.slice('public:'.length)));
    pub.scrollIntoView?.({ block: 'nearest' });
  }

  private publicChecked(d: PublicCheckedDetail) {
    for (const c of d.checks) {
      const id = `public:${c.id}`;
      if (c.fine) this.fineChecks.set(id, { status: c.fine.status, accuracy: c.fine.probe?.accuracy, logme: c.fine.scores?.LogME, error: c.fine.error });
      else if (c.error || c.fineError) this.fineChecks.set(id, { status: c.status === 'cancelled' ? 'cancelled' : 'failed', error: c.error ?? c.fineError });
      if (c.measured) this.costs.set(id, c.measured);
    }
    this.push();
  }

  private async loadUserModels(ctx: ResultsContext) {
    try {
      const list = await listUserModels();
      for (const u of this.user) this.registry.delete(u.record.id);
      this.user = [];
      for (const r of list) this.user.push({ record: r, extra: await this.tokenise(ctx, r, r.bytes) });
      this.registry.put(...this.user.map((u) => u.extra.entry));
    } catch (e) {
      this.setStatus(`Your stored models could not be read: ${(e as Error).message}`);
    }
  }

  async addModel(file: File) {
    const ctx = await this.context();
    this.busy = `Checking ${file.name}…`;
    this.push();
    const res = await addUserModel(file, file.name);
    if (!res.ok) {
      this.busy = `${file.name} was not added: ${res.errors.join(' ')}`;
      this.push();
      this.busy = '';
      return;
    }
    try {
      this.user.push({ record: res.model, extra: await this.tokenise(ctx, res.model, res.model.bytes) });
      this.registry.put(this.user[this.user.length - 1].extra.entry);
      const c = this.userCost(res.model);
      if (c) this.costs.set(res.model.id, c);
      this.busy = `${file.name} added and ranked with the zoo.`;
    } catch (e) {
      this.busy = `${file.name} was stored but could not be tokenised: ${(e as Error).message}`;
    }
    this.rerank();
    this.push();
    this.busy = '';
  }

  async removeModel(id: string) {
    await removeUserModel(id);
    this.user = this.user.filter((u) => u.record.id !== id);
    this.registry.delete(id);
    this.costs.delete(id);
    this.fineChecks.delete(id);
    this.rerank();
  }
}
