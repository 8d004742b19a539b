// Server-side commands for browser tests: real OS-level file drops and file pickers, driven
// through the DevTools protocol (as a person dragging a folder from the file manager would).
import { resolve } from 'node:path';

async function pageOf(session) {
  const page = session.browser.getPage?.(session.id);
  if (!page) throw new Error('drop/pick commands need the Chrome launcher');
  return page;
}

async function centreOf(page, selector) {
  const el = await page.$(selector);
  if (!el) throw new Error(`no element ${selector}`);
  const box = await el.boundingBox();
  if (!box) throw new Error(`element ${selector} is not visible`);
  return { el, x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

export function zooscoutCommands() {
  return {
    name: 'zooscout-commands',
    async executeCommand({ command, payload, session }) {
      if (command === 'drop-files') {
        // payload: { selector, paths: [absolute or repo-relative file/folder paths] }
        const page = await pageOf(session);
        const { x, y } = await centreOf(page, payload.selector);
        const cdp = await page.createCDPSession();
        const data = { items: [], files: payload.paths.map((p) => resolve(p)), dragOperationsMask: 1 };
        for (const type of ['dragEnter', 'dragOver', 'drop']) {
          await cdp.send('Input.dispatchDragEvent', { type, x, y, data });
        }
        await cdp.detach();
        return true;
      }
      if (command === 'pick-files') {
        // payload: { selector (an <input type=file>), paths }
        const page = await pageOf(session);
        const el = await page.$(payload.selector);
        if (!el) throw new Error(`no element ${payload.selector}`);
        await el.uploadFile(...payload.paths.map((p) => resolve(p)));
        return true;
      }
      if (command === 'node-embed') {
        // the reference side of the page/Node parity test: onnxruntime-node on the same files
        const { embedFilesInNode } = await import('./node-embed.ts');
        return embedFilesInNode(payload.encoderId, payload.paths);
      }
      if (command === 'set-quota') {
        // a real, small storage quota for this origin: IndexedDB then throws real QuotaExceededErrors
        const page = await pageOf(session);
        const cdp = await page.createCDPSession();
        const origin = new URL(page.url()).origin;
        await cdp.send('Storage.overrideQuotaForOrigin', payload.bytes == null ? { origin } : { origin, quotaSize: payload.bytes });
        await cdp.detach();
        return true;
      }
      if (command === 'set-offline') {
        const page = await pageOf(session);
        await page.setOfflineMode(Boolean(payload.offline));
        return true;
      }
      return undefined;
    },
  };
}
