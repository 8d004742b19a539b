// Two fetches of the same large file at once break one of them in Chromium: the second joins the
// first's HTTP-cache entry and the first fails with net::ERR_CACHE_WRITE_FAILURE (seen with the
// runtime's 28 MB .wasm, whose streaming compile then aborts and fetches it again). So the offline
// warm-up (src/offline/register.ts) and the page's own loads of the runtime and encoder take turns:
// the warm-up starts when no load is under way, and a load waits for a warm-up under way (then
// finds the files in the worker's cache).
let loads = 0;
let warming: Promise<unknown> | null = null;
let idle: (() => void)[] = [];

/** Runs a load of the runtime or an encoder (worker start-up), after any warm-up under way. */
export async function loading<T>(fn: () => Promise<T>): Promise<T> {
  while (warming) await warming.catch(() => undefined);
  loads++;
  try {
    return await fn();
  } finally {
    if (--loads === 0) {
      const w = idle;
      idle = [];
      w.forEach((f) => f());
    }
  }
}

/** Runs the warm-up once no load is under way; loads that start meanwhile wait for it. */
export async function warmUp<T>(fn: () => Promise<T>): Promise<T> {
  while (loads > 0 || warming) {
    if (warming) await warming.catch(() => undefined);
    else await new Promise<void>((res) => idle.push(res));
  }
  const p = fn();
  warming = p;
  try {
    return await p;
  } finally {
    warming = null;
  }
}

/** Work the warm-up must not compete with (a run, up to its first table): the warm-up waits for
 * it to end, and it does not wait for a warm-up already under way (that one has the network). */
export async function foreground<T>(fn: () => Promise<T>): Promise<T> {
  loads++;
  try {
    return await fn();
  } finally {
    if (--loads === 0) {
      const w = idle;
      idle = [];
      w.forEach((f) => f());
    }
  }
}
