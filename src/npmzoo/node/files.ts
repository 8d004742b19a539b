// Node readers of the npm packages' model files (fs; nsfwjs's UMD modules through node:vm).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import vm from 'node:vm';
import { decodeUmdModel, type ModelFiles } from '../shared/artifacts.ts';
import type { NpmModelDoc } from '../shared/types.ts';

export const NODE_MODULES = resolve(process.env.NPMZOO_NODE_MODULES ?? 'node_modules');

export const packageDir = (pkg: string) => join(NODE_MODULES, pkg);

/** evaluate a UMD module's text in a fresh context: module.exports */
export function evalUmd(code: string): unknown {
  const module = { exports: {} as unknown };
  vm.runInNewContext(code, { module, exports: module.exports }, { timeout: 60_000 });
  // objects from another realm fail tfjs-layers' `instanceof Array` checks: copy into this one
  return typeof module.exports === 'string' ? module.exports : JSON.parse(JSON.stringify(module.exports));
}

export function readModelFiles(doc: NpmModelDoc): ModelFiles {
  const dir = packageDir(doc.package);
  if (doc.container === 'umd-js') {
    const [top, ...shards] = doc.files.map((f) => readFileSync(join(dir, f), 'utf8'));
    return decodeUmdModel(top, shards, evalUmd);
  }
  const jsonPath = join(dir, doc.files[0]);
  const json = JSON.parse(readFileSync(jsonPath, 'utf8'));
  const shards = (json.weightsManifest as { paths: string[] }[]).flatMap((g) => g.paths).map((p) => new Uint8Array(readFileSync(join(dirname(jsonPath), p))));
  return { json, shards };
}

export function fileFacts(doc: NpmModelDoc): { path: string; bytes: number; sha256: string }[] {
  const dir = packageDir(doc.package);
  const files = [...doc.files];
  if (doc.container === 'json+bin') {
    // the manifest's own shard list (may differ from the default <id>.bin)
    const json = JSON.parse(readFileSync(join(dir, doc.files[0]), 'utf8'));
    files.splice(1, files.length - 1, ...(json.weightsManifest as { paths: string[] }[]).flatMap((g) => g.paths).map((p) => join(dirname(doc.files[0]), p)));
  }
  return files.map((f) => {
    const b = readFileSync(join(dir, f));
    return { path: `${doc.package}/${f}`, bytes: b.byteLength, sha256: createHash('sha256').update(b).digest('hex') };
  });
}

export function lockInfo(pkg: string): { version: string; integrity: string; licence: string } {
  const lock = JSON.parse(readFileSync(resolve('package-lock.json'), 'utf8'));
  const e = lock.packages[`node_modules/${pkg}`];
  if (!e) throw new Error(`${pkg} is not in package-lock.json`);
  return { version: e.version, integrity: e.integrity, licence: e.license };
}
