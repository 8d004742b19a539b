// Read and check the committed zoo catalogue (models/zoo/catalogue.json).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CATALOGUE_VERSION, type ZooCatalogue, type ZooModelEntry } from '../shared/catalogue.ts';

export const ZOO_DIR = resolve(process.env.ZOO_MODELS ?? 'models/zoo');

export function loadCatalogue(dir = ZOO_DIR): ZooCatalogue {
  const c = JSON.parse(readFileSync(join(dir, 'catalogue.json'), 'utf8')) as ZooCatalogue;
  if (c.version !== CATALOGUE_VERSION) throw new Error(`catalogue version ${c.version}, expected ${CATALOGUE_VERSION}`);
  return c;
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Problems with one entry (empty = fine): file present, sha256 and size match, metadata complete. */
export function checkEntry(dir: string, m: ZooModelEntry): string[] {
  const errs: string[] = [];
  const path = join(dir, m.file);
  if (!existsSync(path)) return [`${m.id}: ${m.file} missing`];
  const bytes = readFileSync(path);
  if (bytes.length !== m.bytes) errs.push(`${m.id}: ${bytes.length} bytes, catalogue says ${m.bytes}`);
  if (createHash('sha256').update(bytes).digest('hex') !== m.sha256) errs.push(`${m.id}: sha256 mismatch`);
  const need: (keyof ZooModelEntry)[] = ['family', 'params', 'macs', 'featureDim', 'logitDim', 'source', 'sourceDomain', 'sourceAccuracy', 'recipe', 'preprocess', 'split'];
  for (const k of need) if (m[k] === undefined || m[k] === null) errs.push(`${m.id}: ${k} missing`);
  if (!(m.params > 0 && m.macs > 0)) errs.push(`${m.id}: params/macs not positive`);
  if (!(m.sourceAccuracy >= 0 && m.sourceAccuracy <= 1)) errs.push(`${m.id}: sourceAccuracy out of range`);
  if (m.sourceClasses.length !== m.logitDim) errs.push(`${m.id}: ${m.sourceClasses.length} source classes vs logitDim ${m.logitDim}`);
  return errs;
}
