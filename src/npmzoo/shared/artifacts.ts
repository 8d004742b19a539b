// Model files -> tfjs ModelArtifacts, and nsfwjs's UMD modules -> model.json + weights. No tfjs
// import: used by the build step (Vite config, Node) as well as by the feature path.

/** model.json contents (modelTopology + weightsManifest) plus the weight shards in manifest order */
export interface ModelFiles {
  json: { modelTopology: unknown; weightsManifest: { paths: string[]; weights: unknown[] }[]; format?: string; [k: string]: unknown };
  shards: Uint8Array[];
}

export function toArtifacts(files: ModelFiles) {
  const weightSpecs = files.json.weightsManifest.flatMap((g) => g.weights);
  const total = files.shards.reduce((a, s) => a + s.byteLength, 0);
  const data = new Uint8Array(total);
  let o = 0;
  for (const s of files.shards) {
    data.set(s, o);
    o += s.byteLength;
  }
  return {
    modelTopology: files.json.modelTopology as object,
    weightSpecs: weightSpecs as never,
    weightData: data.buffer,
    format: files.json.format as string | undefined,
  };
}

/** nsfwjs ships each file as a UMD module: model.min.js exports the model.json object, each
 * group1-shardNofM.min.js a base64 string. `evaluate` runs the module text (vm in Node; the
 * build step converts them to model.json + .bin for the page, whose CSP forbids eval). */
export function decodeUmdModel(topologyJs: string, shardJs: string[], evaluate: (code: string) => unknown): ModelFiles {
  const json = evaluate(topologyJs) as ModelFiles['json'];
  const shards = shardJs.map((s) => base64ToBytes(evaluate(s) as string));
  return { json, shards };
}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

