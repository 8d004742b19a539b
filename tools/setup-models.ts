// Places encoder weights in models/encoders/: from ../shared when it is there, otherwise from the
// pinned URL; every file is checked against its pinned size and sha256 and refused if it differs.
// Writes models/encoders/index.json (which encoders are present) for the page.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ENCODERS, verifyWeights, type EncoderEntry } from '../src/encode/shared/manifest.ts';
import { MODELS_BASE } from '../src/encode/shared/model-file.ts';
import { checkOnnx } from '../src/openzoo/shared/validate.ts';
import { encoderGraph, servedFile } from '../src/encode/shared/model-file.ts';

const dir = join(process.cwd(), MODELS_BASE);
const sharedDir = join(process.cwd(), '..', 'shared', 'models', 'encoders');
mkdirSync(dir, { recursive: true });

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const check = (e: EncoderEntry, file: string) => {
  const b = readFileSync(file);
  return verifyWeights(e, b.length, sha(b));
};

async function download(e: EncoderEntry, dest: string): Promise<string | null> {
  for (const url of e.urls) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(120_000) });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      const b = Buffer.from(await r.arrayBuffer());
      const v = verifyWeights(e, b.length, sha(b));
      if (!v.ok) return `${url}: ${v.reason}`;
      writeFileSync(dest + '.part', b);
      renameSync(dest + '.part', dest);
      return null;
    } catch (err) {
      console.warn(`  ${url}: ${(err as Error).message}`);
    }
  }
  return 'no pinned URL could be reached';
}

// macs: the graph's counted multiply-accumulates (null where the shape walk stops), so the page can
// tell which encoders can be costed as candidates without fetching them (src/select/client/controller.ts)
const present: { id: string; file: string; sha256: string; bytes: number; macs: number | null }[] = [];
let defaultMissing = false;
for (const e of ENCODERS) {
  const dest = join(dir, e.file);
  if (!e.sha256) {
    console.log(`- ${e.id}: no pinned sha256 yet; marked unavailable (${e.notes ?? ''})`);
    continue;
  }
  let status = '';
  if (existsSync(dest)) {
    const v = check(e, dest);
    if (v.ok) status = 'present';
    else {
      console.warn(`! ${e.id}: ${v.reason}; replacing it`);
      rmSync(dest);
    }
  }
  if (!status && existsSync(join(sharedDir, e.file))) {
    const v = check(e, join(sharedDir, e.file));
    if (v.ok) {
      copyFileSync(join(sharedDir, e.file), dest);
      status = 'copied from ../shared';
    } else console.warn(`! ${e.id}: the copy in ../shared is wrong: ${v.reason}`);
  }
  let graph: Uint8Array | null = null;
  if (!status && e.derivedFrom) {
    // made from its source's file (placed above) by the committed transform and held to its own pin;
    // nothing is written: page and Node derive it from the source file when they load it
    try {
      graph = await encoderGraph(e, async () => new Uint8Array(readFileSync(join(dir, servedFile(e)))));
      status = `derived from ${servedFile(e)}`;
    } catch (err) {
      console.warn(`! ${e.id}: ${(err as Error).message}`);
    }
  }
  const asked = process.argv.includes('--with') && process.argv[process.argv.indexOf('--with') + 1]?.split(',').includes(e.id);
  if (!status && e.onRequest && !asked) {
    console.log(`- ${e.id}: not fetched (${((e.bytes ?? 0) / 1e6).toFixed(1)} MB, on request: the page downloads it on consent; \`npm run setup -- --with ${e.id}\` fetches it here)`);
    continue;
  }
  if (!status && !e.derivedFrom && process.env.ZOOSCOUT_OFFLINE !== '1') {
    const err = await download(e, dest);
    status = err ? '' : 'downloaded and verified';
    if (err) console.warn(`! ${e.id}: ${err}`);
  }
  if (status) {
    const v = await checkOnnx(graph ?? new Uint8Array(readFileSync(dest)), e.name);
    present.push({ id: e.id, file: servedFile(e), sha256: e.sha256, bytes: e.bytes ?? 0, macs: v.ok ? v.info.macs : null });
    console.log(`- ${e.id}: ${status} (${graph ? `${e.bytes} bytes in memory` : e.file}, sha256 ok)`);
  } else {
    console.log(`- ${e.id}: unavailable`);
    if (e.default) defaultMissing = true;
  }
}
writeFileSync(join(dir, 'index.json'), JSON.stringify({ version: 1, present }, null, 1) + '\n');
if (defaultMissing) {
  console.error('The default encoder is missing: the page cannot embed images until its file is placed (or dropped in the page).');
  process.exit(1);
}
