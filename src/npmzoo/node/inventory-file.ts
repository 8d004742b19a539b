// Reading the committed inventory (no tfjs import: usable from the Vite config).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { INVENTORY_VERSION, type NpmInventory } from '../shared/types.ts';

export const INVENTORY_PATH = resolve('data/npm-gt/inventory.json');

export function loadInventory(path = INVENTORY_PATH): NpmInventory {
  const inv = JSON.parse(readFileSync(path, 'utf8')) as NpmInventory;
  if (inv.version !== INVENTORY_VERSION) throw new Error(`inventory version ${inv.version}, expected ${INVENTORY_VERSION}`);
  return inv;
}
