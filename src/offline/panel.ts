// <zs-offline>: the offline copy's state in words, and "keep available offline" for the model
// files that are otherwise stored only once used (size first, progress with rate and time left,
// cancellable). Reads the state main.ts publishes (`zs-offline` events, <html data-offline>).
import { LitElement, html, css, nothing } from 'lit';
import { offlineFiles, cachedSet, keepOffline, type FetchProgress, type OfflineFile } from './files.ts';
import { duration } from '../ui/format.ts';

const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;

export class ZsOffline extends LitElement {
  static properties = {
    state: { state: true },
    detail: { state: true },
    missing: { state: true },
    progress: { state: true },
    error: { state: true },
  };

  state = document.documentElement.dataset.offline ?? '';
  detail = document.documentElement.dataset.offlineDetail ?? '';
  /** listed files not in the cache yet (null until checked) */
  missing: OfflineFile[] | null = null;
  progress: FetchProgress | null = null;
  error = '';
  private abort: AbortController | null = null;

  static styles = css`
    :host { display: block; font: 13px/1.4 system-ui, sans-serif; color: #444; margin: 0.5em 0; }
    .warn { color: #a15c00; }
  `;

  private onState = (e: Event) => {
    const s = (e as CustomEvent<{ state: string; detail?: string }>).detail;
    this.state = s.state;
    this.detail = s.detail ?? '';
    if (s.state === 'ready') void this.check();
  };

  connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('zs-offline', this.onState);
    if (this.state === 'ready') void this.check();
  }

  disconnectedCallback(): void {
    document.removeEventListener('zs-offline', this.onState);
    this.abort?.abort();
    super.disconnectedCallback();
  }

  /** which listed files are not stored yet */
  async check(): Promise<void> {
    const list = offlineFiles();
    if (!list) return;
    try {
      const have = await cachedSet(list);
      this.missing = list.files.filter((f) => !have.has(f.url));
    } catch (e) {
      this.error = `The offline store could not be read: ${(e as Error).message}`;
    }
  }

  async keep(): Promise<void> {
    const list = offlineFiles();
    if (!list || !this.missing?.length) return;
    this.error = '';
    this.abort = new AbortController();
    try {
      await keepOffline(list, this.missing, (p) => (this.progress = p), this.abort.signal);
    } catch (e) {
      if (!this.abort.signal.aborted) this.error = `Stopped: ${(e as Error).message} (what was stored stays stored)`;
    } finally {
      this.abort = null;
      this.progress = null;
      await this.check();
    }
  }

  render() {
    if (!this.state) return nothing;
    const p = this.progress;
    const left = this.missing?.reduce((a, f) => a + f.bytes, 0) ?? 0;
    let line: unknown = nothing;
    if (p) {
      const s = (performance.now() - p.startedAt) / 1000;
      const rate = s > 0 ? p.bytes / s : 0;
      line = html`<span id="offline-progress">Storing ${p.done} of ${p.total} files, ${mb(p.bytes)} of ${mb(p.totalBytes)}${rate > 0 ? ` · ${mb(rate)}/s · ${duration((p.totalBytes - p.bytes) / rate)} left` : ''}</span>
        <button id="offline-cancel" @click=${() => this.abort?.abort()}>Cancel</button>`;
    } else if (this.state === 'ready' && this.missing?.length) {
      line = html`<button id="offline-keep" @click=${() => void this.keep()}>Keep every model available offline (${this.missing.length} files, ${mb(left)})</button>`;
    } else if (this.state === 'ready' && this.missing) {
      line = html`<span id="offline-all">Every model file is stored for offline use.</span>`;
    }
    return html`<div id="offline-state" data-state=${this.state}>${this.detail}</div>
      <div>${line}</div>${this.error ? html`<div class="warn">${this.error}</div>` : nothing}`;
  }
}

customElements.define('zs-offline', ZsOffline);
