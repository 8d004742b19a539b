// Mounts <zs-app> in the test page and waits for runs to finish.
import '../../src/ui/app.ts';
import type { ZsApp } from '../../src/ui/app.ts';
import type { RunReport } from '../../src/app/pipeline.ts';

export async function mountApp(): Promise<ZsApp> {
  document.body.innerHTML = '';
  const el = document.createElement('zs-app');
  document.body.append(el);
  await el.updateComplete;
  return el;
}

/** Resolves with the report of the next run (or rejects with its error message). */
export function nextRun(el: ZsApp, timeoutMs = 170_000): Promise<RunReport> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('run did not finish in time')), timeoutMs);
    const done = (e: Event) => {
      clearTimeout(t);
      el.removeEventListener('zs-run-error', fail);
      resolve((e as CustomEvent<RunReport>).detail);
    };
    const fail = (e: Event) => {
      clearTimeout(t);
      el.removeEventListener('zs-run-complete', done);
      reject(new Error((e as CustomEvent<string>).detail));
    };
    el.addEventListener('zs-run-complete', done, { once: true });
    el.addEventListener('zs-run-error', fail, { once: true });
  });
}

/**
 * Resolves once the work a run starts after its first table (this device's micro-benchmark, in
 * its own onnxruntime worker) is over, so that a measurement taken next sees only its own work.
 */
export async function settled(el: ZsApp, timeoutMs = 120_000): Promise<void> {
  const t0 = performance.now();
  for (;;) {
    const p = el.profileEl;
    if (p && p.status === 'idle' && (p.profile || p.error)) return;
    if (performance.now() - t0 > timeoutMs) throw new Error('the device micro-benchmark did not finish in time');
    await new Promise((res) => setTimeout(res, 100));
  }
}

export const shadow = (el: ZsApp, sel: string) => el.shadowRoot!.querySelector(sel) as HTMLElement | null;
