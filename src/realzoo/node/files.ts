// Files of the real backbones (no tfjs import: used by reports and tests too): the tfjs folders of
// ../shared/models/real checked against their sha256sums and the registry's pin, and the ONNX
// encoders' facts from the manifest and their graph.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encoderById } from '../../encode/shared/manifest.ts';
import { graphCost, readGraph } from '../../hardware/shared/onnx.ts';
import type { ModelFiles } from '../../npmzoo/shared/artifacts.ts';
import type { RealBackbone } from '../shared/backbones.ts';

export const REAL_SHARED = resolve(process.env.ZOOSCOUT_SHARED ?? '../shared', 'models/real');

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** model.json + shards (manifest order) of a tfjs backbone, every file checked against sha256sums and model.json against the registry pin. */
export function readRealTfjs(b: RealBackbone, root = REAL_SHARED): ModelFiles {
  const dir = join(root, b.source);
  const sums = new Map(readFileSync(join(dir, 'sha256sums'), 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/)).map(([h, f]) => [f.replace(/^\*/, ''), h] as const));
  const read = (f: string) => {
    const bytes = new Uint8Array(readFileSync(join(dir, f)));
    const want = f === 'model.json' ? b.sha256 : sums.get(f);
    if (!want) throw new Error(`${b.id}: ${f} is not listed in sha256sums`);
    if (sha256(bytes) !== want) throw new Error(`${b.id}: ${f} sha256 does not match its pin`);
    return bytes;
  };
  const json = JSON.parse(new TextDecoder().decode(read('model.json')));
  const shards = (json.weightsManifest as { paths: string[] }[]).flatMap((g) => g.paths).map(read);
  return { json, shards };
}

/** Size, sha256 and parameter count of an ONNX encoder backbone, from the manifest and its graph. */
export function onnxFacts(b: RealBackbone): { bytes: number; sha256: string; params: number } {
  const e = encoderById(b.source);
  const g = readGraph(new Uint8Array(readFileSync(join('models/encoders', e.file))));
  return { bytes: e.bytes ?? 0, sha256: e.sha256 ?? '', params: graphCost(g).params };
}

