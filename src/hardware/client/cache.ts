// IndexedDB cache of measured costs and device profiles, in its own database (not src/cache's):
// key = device key + backend + threads + model id + model sha256, so a retrained model, another
// backend or another machine is measured afresh. Versioned: a schema change bumps HW_DB_VERSION.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { HARDWARE_FORMAT_VERSION, type DeviceProfile, type HwBackend, type MeasuredCost } from '../shared/types.ts';

export const HW_DB_NAME = 'zooscout-hardware';
export const HW_DB_VERSION = 1;

export interface CostRecord {
  key: string;
  deviceKey: string;
  backend: HwBackend;
  modelId: string;
  formatVersion: number;
  cost: MeasuredCost;
}

interface HwDB extends DBSchema {
  costs: { key: string; value: CostRecord; indexes: { byDevice: string } };
  profiles: { key: string; value: { key: string; profile: DeviceProfile } };
}

let dbp: Promise<IDBPDatabase<HwDB>> | null = null;
export function hwDb(): Promise<IDBPDatabase<HwDB>> {
  dbp ??= openDB<HwDB>(HW_DB_NAME, HW_DB_VERSION, {
    upgrade(d, old) {
      if (old < 1) {
        d.createObjectStore('costs', { keyPath: 'key' }).createIndex('byDevice', 'deviceKey');
        d.createObjectStore('profiles', { keyPath: 'key' });
      }
    },
    terminated() { dbp = null; },
    blocking() {
      void dbp?.then((d) => d.close());
      dbp = null;
    },
  });
  return dbp;
}

export const costKey = (deviceKey: string, backend: HwBackend, threads: number, modelId: string, sha256: string) =>
  `${deviceKey}|${backend}|t${threads}|${modelId}|${sha256}`;

export async function getCost(key: string): Promise<MeasuredCost | null> {
  try {
    const r = await (await hwDb()).get('costs', key);
    return r && r.formatVersion === HARDWARE_FORMAT_VERSION ? r.cost : null;
  } catch {
    return null; // no IndexedDB (private mode): measure again
  }
}

/** Stores a cost; false when the store refused it (quota, no IndexedDB): the result is still used. */
export async function putCost(key: string, deviceKey: string, cost: MeasuredCost): Promise<boolean> {
  try {
    await (await hwDb()).put('costs', { key, deviceKey, backend: cost.backend, modelId: cost.modelId, formatVersion: HARDWARE_FORMAT_VERSION, cost });
    return true;
  } catch {
    return false;
  }
}

export async function costsForDevice(deviceKey: string): Promise<MeasuredCost[]> {
  try {
    return (await (await hwDb()).getAllFromIndex('costs', 'byDevice', deviceKey)).map((r) => r.cost);
  } catch {
    return [];
  }
}

export async function clearHardwareCache(): Promise<void> {
  const d = await hwDb();
  await d.clear('costs');
  await d.clear('profiles');
}

export async function saveProfile(deviceKey: string, profile: DeviceProfile): Promise<void> {
  try {
    await (await hwDb()).put('profiles', { key: deviceKey, profile });
  } catch {
    // not stored: the profile is still shown
  }
}

export async function loadProfile(deviceKey: string): Promise<DeviceProfile | null> {
  try {
    return (await (await hwDb()).get('profiles', deviceKey))?.profile ?? null;
  } catch {
    return null;
  }
}
