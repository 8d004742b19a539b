// <zs-device-profile>: what this device is and how fast models run on it. Shows the WebGPU
// adapter, cores, memory, storage and the micro-benchmark per backend; with `costs` set, a table
// of per-model costs where every figure says whether it was measured here or predicted.
import { LitElement, html, css, nothing } from 'lit';
import type { DeviceProfile, HwBackend, MicroBench, ModelCost } from '../shared/types.ts';
import { gatherProfile } from './hardware-client.ts';
import { loading } from '../../offline/gate.ts';

const mb = (b: number) => `${(b / 1e6).toFixed(b < 1e7 ? 2 : 0)} MB`;
const gb = (b: number) => `${(b / 1e9).toFixed(1)} GB`;
const ms = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`;

export class ZsDeviceProfile extends LitElement {
  static properties = {
    profile: { attribute: false },
    costs: { attribute: false },
    status: { state: true },
    error: { state: true },
  };

  profile: DeviceProfile | null = null;
  /** rows to show under the profile (set by the app) */
  costs: ModelCost[] = [];
  status: 'idle' | 'running' = 'idle';
  error = '';

  static styles = css`
    :host { display: block; font: 14px/1.4 system-ui, sans-serif; }
    table { border-collapse: collapse; margin: 0.4em 0; }
    th, td { text-align: left; padding: 2px 10px 2px 0; vertical-align: top; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; }
    .tag { font-size: 11px; padding: 0 5px; border-radius: 3px; }
    .measured { background: #d9f2d9; }
    .predicted { background: #eee; font-style: italic; }
    .warn { color: #a15c00; }
  `;

  private abort: AbortController | null = null;

  /** Measures this device; nothing when the element is not in the page, and stopped when it leaves (a
   * micro-benchmark worker holds a lot of memory for its second or two: never for a page nobody sees). */
  async run(budgetMs = 1500): Promise<void> {
    if (!this.isConnected || this.abort) return;
    const abort = (this.abort = new AbortController());
    this.status = 'running';
    this.error = '';
    try {
      const { profile, deviceKey } = await loading(() => gatherProfile({ budgetMs, signal: abort.signal }));
      this.profile = profile;
      this.dispatchEvent(new CustomEvent('profile', { detail: { profile, deviceKey }, bubbles: true, composed: true }));
    } catch (e) {
      if (!abort.signal.aborted) this.error = (e as Error).message;
    } finally {
      this.abort = null;
      this.status = 'idle';
    }
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.abort?.abort();
  }

  private micro(b: HwBackend) {
    const m = this.profile?.micro[b];
    if (!m) return html`<tr><th>${b}</th><td>not measured</td></tr>`;
    if ('error' in m) return html`<tr><th>${b}</th><td class="warn">${m.error}</td></tr>`;
    const r = (m as MicroBench).macsPerMs;
    return html`<tr><th>${b} (${m.threads} thread${m.threads > 1 ? 's' : ''})</th><td>
      dense conv ${(r.dense / 1e6).toFixed(2)} GMAC/s · depthwise ${(r.depthwise / 1e6).toFixed(2)} · pointwise ${(r.pointwise / 1e6).toFixed(2)} ·
      matmul ${(r.matmul / 1e6).toFixed(2)}; per run ${ms(m.runMs)}, per node ${ms(m.nodeMs)}</td></tr>`;
  }

  render() {
    const p = this.profile;
    const a = p?.webgpu.adapter;
    return html`
      <button @click=${() => this.run()} ?disabled=${this.status === 'running'}>
        ${this.status === 'running' ? 'Measuring this device…' : p ? 'Measure again' : 'Measure this device'}</button>
      ${this.error ? html`<p class="warn">${this.error}</p>` : nothing}
      ${p ? html`<table>
        <tr><th>WebGPU</th><td>${a
          ? html`${a.vendor || '?'} / ${a.architecture || '?'} ${a.description ? `(${a.description})` : ''}
              ${a.isFallbackAdapter ? html`<span class="warn">fallback adapter</span>` : ''}
              · max buffer ${mb(a.limits.maxBufferSize ?? 0)} · max workgroup ${a.limits.maxComputeInvocationsPerWorkgroup ?? '?'}`
          : html`<span class="warn">${p.webgpu.why}</span>`}</td></tr>
        <tr><th>CPU cores</th><td>${p.cores ?? 'unknown'}</td></tr>
        <tr><th>Device memory</th><td>${p.deviceMemoryGB !== null ? `≈ ${p.deviceMemoryGB} GB (coarse)` : 'not reported'}</td></tr>
        <tr><th>Storage</th><td>${p.storage ? `${gb(p.storage.usage)} used of ${gb(p.storage.quota)}` : 'not reported'}</td></tr>
        <tr><th>Threads</th><td>${p.crossOriginIsolated ? 'multi-threaded WASM available' : 'single-threaded WASM (page not cross-origin isolated)'}</td></tr>
        ${this.micro('wasm')}${this.micro('webgpu')}
      </table>` : nothing}
      ${this.costs.length ? html`<details><summary>Cost of each zoo model on this device (${this.costs.length})</summary><table class="costs">
        <tr><th>model</th><th>backend</th><th>latency (batch 1)</th><th>images/s</th><th>size</th><th>peak memory</th><th></th></tr>
        ${this.costs.map((c) => html`<tr data-model=${c.modelId} data-source=${c.source}>
          <td>${c.modelId}</td><td>${c.backend}</td>
          <td class="num">${c.source === 'measured' ? html`${ms(c.warm.p50)} <small>(p90 ${ms(c.warm.p90)}, cold ${ms(c.coldMs)})</small>` : ms(c.warmP50Ms)}</td>
          <td class="num">${c.throughput.imagesPerSec.toFixed(0)}</td><td class="num">${mb(c.modelBytes)}</td>
          <td class="num">${mb(c.peakMemoryBytes)}</td>
          <td><span class="tag ${c.source}">${c.source === 'measured' ? 'measured here' : `predicted (${c.basis})`}</span></td></tr>`)}
      </table></details>` : nothing}`;
  }
}

if (!customElements.get('zs-device-profile')) customElements.define('zs-device-profile', ZsDeviceProfile);

declare global {
  interface HTMLElementTagNameMap { 'zs-device-profile': ZsDeviceProfile }
}
