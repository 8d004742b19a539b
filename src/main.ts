// Page entry.
import './ui/app.ts';
import { registerOffline } from './offline/register.ts';
import './offline/panel.ts';

// The offline copy (service worker) only in the production build: never under the dev server or
// the test runner, which serve sources that change under it. The state is published on <html
// data-offline> and as a `zs-offline` event for the page (and tests) to show.
if (import.meta.env?.PROD) {
  registerOffline((s) => {
    document.documentElement.dataset.offline = s.state;
    document.documentElement.dataset.offlineDetail = s.detail ?? '';
    document.dispatchEvent(new CustomEvent('zs-offline', { detail: s }));
  });
}
