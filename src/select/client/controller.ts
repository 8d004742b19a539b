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
import { candidates, explainModel, loadResultsContext, rankAll, type Explanation, type ExtraModel, type Ranking, type ResultsContext } from './session.ts';
import type { FineCheck } from '../shared/recommendation.ts';
import { startFine, type FineHandle } from '../../fine/client/fine-client.ts';
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
    return this.ctx;
  }

  /** After a run: rank everything for the new tokens (the ranker runs on the main thread: a few ms). */
  async start(report: RunReport): Promise<void> {
    this.report = report;
    this.fineChecks.clear();
    try {
      this.setStatus('Loading the ranker…');
      const ctx = await this.context();
      performance.mark('zs:ranker-loaded');
      if (report.tokens?.encoder.id !== ctx.ranker.scorer.art.encoder.id) {
        this.setStatus(noRankerNote(encoderById(report.tokens!.encoder.id)));
        return;
      }
      await this.loadUserModels(ctx);
      await this.loadRealModels(ctx);
      await this.loadNpmModels(ctx);
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
      if (!present.has(e.id) || e.onRequest || present.get(e.id)!.macs === null) continue;
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
        const extra = {
          ...(await this.tokenise(ctx, record, record.bytes)), kind: 'real' as const, source: 'ImageNet-1k', sourceDomain: 'natural_images', family: e.id.split(/[-.]/)[0],
          // the first pinned address is the original public copy (src/encode/shared/manifest.ts)
          provenance: { url: e.urls[0] ?? null, from: `${e.name}, ImageNet-1k classifier, pinned by sha256`, licence: e.licence ?? 'not stated', sha256: e.sha256 ?? v.info.sha256 },
          checkable: true,
        };
        this.real.push({ record, extra, preprocess: e.preprocess });
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
      this.npm = npmCandidates(ctx.ranker).map((c) => ({
        prepared: c.token, kind: 'npm', label: `${c.label} (${c.packageVersion})`, params: c.params, macs: c.macs, bytes: c.bytes, inputSize: c.inputSize,
        family: null, source: c.trainingData, sourceDomain: c.sourceDomain,
        provenance: { url: `https://www.npmjs.com/package/${c.package}/v/${c.version}`, from: `${c.label}, from the npm package ${c.packageVersion}`, licence: c.licence, sha256: c.weightsSha256 },
      }));
      // the real ImageNet backbones in tfjs (../shared/models/real, pinned by sha256): the same path
      for (const c of npmCandidates(ctx.ranker, REAL_TFJS_IDS)) {
        const b = REAL_BACKBONES.find((x) => x.id === c.id)!;
        this.npm.push({
          prepared: c.token, kind: 'real', label: b.label, params: c.params, macs: c.macs, bytes: c.bytes, inputSize: c.inputSize,
          family: b.family, source: b.pretraining, sourceDomain: 'natural_images',
          provenance: { url: b.original, from: `${b.label}, ${b.pretraining} classifier (ImageNet top-1 ${(100 * b.top1Here).toFixed(1)} % on 128-px images here)`, licence: b.licence, sha256: c.weightsSha256 },
        });
      }
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
    for (const e of this.npm) {
      const id = e.prepared.id;
      if (this.costs.has(id) || !e.macs) continue;
      this.costs.set(id, predictCost({ id, macs: e.macs, params: e.params ?? 0, bytes: e.bytes }, this.micro));
    }
  }

  private userCost(r: UserModelRecord): ModelCost | null {
    return this.micro ? userModelCost(r, { micro: this.micro }).predicted : null;
  }

  private push() {
    const el = this.host.resultsEl;
    const ctx = this.ctx, r = this.ranking, rep = this.report;
    if (!el || !ctx || !r || !rep?.tokens) return;
    const t = rep.tokens;
    el.candidates = candidates(ctx, r, this.costs, this.extras(), this.fineChecks);
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

  private fineModel(id: string): FineModel | null {
    const z = this.ctx?.catalogue.models.find((m) => m.id === id);
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
    if (!plan.labelled) {
      this.fineState = { ...this.fineState, note: 'The check needs labelled classes (one subfolder per class).' };
      this.push();
      return;
    }
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
          notRunnable.length ? `Not checked (tfjs models, from npm packages or tfjs backbones, run latency only for now): ${notRunnable.join(', ')}.` : '',
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
        const z = this.ctx.catalogue.models.find((m) => m.id === id);
        try {
          if (z) this.costs.set(id, (await this.hw.measure(zooModel(z))).cost);
          else if (id.startsWith('npm:') || REAL_TFJS_IDS.includes(id)) this.costs.set(id, await this.measureNpm(id));
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
    const e = this.npm.find((x) => x.prepared.id === id)!;
    return {
      version: 1, source: 'measured', modelId: id, modelSha256: '', backend: `tfjs-${lat.backend}` as MeasuredCost['backend'], threads: 1,
      createMs: lat.loadMs, coldMs: lat.coldMs, warm: lat.warm,
      throughput: { batch: 1, msPerBatch: lat.warm, imagesPerSec: 1000 / lat.warm.p50 },
      modelBytes: e.bytes, peakMemoryBytes: e.bytes * 2, measuredAt: lat.measuredAt,
    };
  }

  private async tokenise(ctx: ResultsContext, record: UserModelRecord, bytes: ArrayBuffer): Promise<ExtraModel> {
    const prepared = tokenForOnnx(ctx.ranker, record.id, new Uint8Array(bytes));
    const s = record.info.input.shape[2];
    return {
      prepared, kind: 'user', label: record.name, params: record.info.params, macs: record.info.macs, bytes: bytes.byteLength, inputSize: typeof s === 'number' && s > 0 ? s : null,
      provenance: { url: null, from: 'your ONNX file (never uploaded)', licence: 'yours', sha256: record.sha256 },
      checkable: true,
    };
  }

  private async loadUserModels(ctx: ResultsContext) {
    try {
      const list = await listUserModels();
      this.user = [];
      for (const r of list) this.user.push({ record: r, extra: await this.tokenise(ctx, r, r.bytes) });
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
    this.costs.delete(id);
    this.fineChecks.delete(id);
    this.rerank();
  }
}
