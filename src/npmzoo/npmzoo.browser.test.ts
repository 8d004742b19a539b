import { expect } from 'chai';
import { PARITY_MODELS, syntheticImages } from './shared/synthetic.ts';
import { NPM_MODEL_DOCS } from './shared/models.ts';
import type { NpmInventory } from './shared/types.ts';
import { decodeUmdModel, ensureCpuOrBest, extractFeatures, loadNpmModel, prepareImages, type ModelFiles } from './tfjs/features.ts';

// The npm packages' models in the page: the same feature code (src/npmzoo/tfjs) on the same images
// gives the features Node gave (reference: src/npmzoo/node/reference.ts). Files are read here
// straight from /node_modules (the test server's root is the repo); nsfwjs's UMD modules are
// evaluated with new Function in the test only (the app serves them converted, no eval).
interface Reference {
  backend: string;
  images: number;
  models: Record<string, { sha256: string; node: string; dim: number; n: number; features: number[] }>;
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

async function sha256Hex(buf: ArrayBuffer): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
  return [...h].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const evalUmd = (code: string): unknown => {
  const module = { exports: {} as unknown };
  new Function('module', 'exports', code)(module, module.exports);
  return module.exports;
};

async function pageFiles(id: string): Promise<{ files: ModelFiles; sha256: string | null }> {
  const doc = NPM_MODEL_DOCS.find((d) => d.id === id)!;
  const base = `/node_modules/${doc.package}/`;
  if (doc.container === 'umd-js') {
    // the test server rewrites .js files it serves, so their bytes are not the package's: no file
    // hash here (the app serves these converted, hashed by the build); the features decide
    const texts = await Promise.all(doc.files.map(async (f) => (await fetch(base + f)).text()));
    return { files: decodeUmdModel(texts[0], texts.slice(1), evalUmd), sha256: null };
  }
  const jsonBytes = await (await fetch(base + doc.files[0])).arrayBuffer();
  const json = JSON.parse(new TextDecoder().decode(jsonBytes));
  const dir = base + doc.files[0].replace(/[^/]+$/, '');
  const shards = await Promise.all((json.weightsManifest as { paths: string[] }[]).flatMap((g) => g.paths).map(async (p) => new Uint8Array(await (await fetch(dir + p)).arrayBuffer())));
  return { files: { json, shards }, sha256: await sha256Hex(jsonBytes) };
}

describe('npm models in the page (tfjs, same code path as Node)', () => {
  it('give the features Node gave for the same images (cosine > 0.9999, one model per feature rule)', async () => {
    expect(await ensureCpuOrBest('cpu')).to.equal('cpu');
    const ref = (await (await fetch('/src/npmzoo/npm-reference.json')).json()) as Reference;
    const inv = (await (await fetch('/data/npm-gt/inventory.json')).json()) as NpmInventory;
    const rules = new Set<string>();
    for (const id of PARITY_MODELS) {
      const e = inv.models.find((m) => m.id === id)!;
      const r = ref.models[id];
      expect(r, `${id} missing from the reference`).to.exist;
      const { files, sha256 } = await pageFiles(id);
      if (sha256) expect(sha256, `${id}: reference/inventory stale`).to.equal(e.files[0].sha256);
      expect(r.sha256).to.equal(e.files[0].sha256);
      const doc = NPM_MODEL_DOCS.find((d) => d.id === id)!;
      const m = await loadNpmModel(files, doc.format, doc.format === 'tfjs-layers' ? e.feature!.node : undefined);
      const x = prepareImages(syntheticImages(ref.images), e.input);
      const f = await extractFeatures(m, e.feature!, x, ref.images, e.input);
      m.dispose();
      expect(f.length, id).to.equal(ref.images * r.dim);
      let maxDiff = 0;
      for (let i = 0; i < ref.images; i++) {
        const a = f.subarray(i * r.dim, (i + 1) * r.dim);
        const b = r.features.slice(i * r.dim, (i + 1) * r.dim);
        expect(cosine(a, b), `${id} image ${i}`).to.be.greaterThan(0.9999);
        for (let j = 0; j < r.dim; j++) maxDiff = Math.max(maxDiff, Math.abs(a[j] - b[j]) / (1e-3 + Math.abs(b[j])));
      }
      expect(maxDiff, `${id} max relative diff`).to.be.lessThan(1e-3);
      // images differ: the check could fail
      expect(cosine(f.subarray(0, r.dim), r.features.slice(r.dim, 2 * r.dim)), `${id}: images 0 and 1 alike`).to.be.lessThan(0.99999);
      rules.add(e.feature!.rule);
    }
    expect(rules.size).to.be.greaterThanOrEqual(3);
  });
});
