// A real tfjs backbone's files as the build serves them (model.json + one weights.bin, through
// toArtifacts). Shared by the build (src/realzoo/node/assets.ts) and the page's own download
// (src/realzoo/client/download.ts), so both load exactly the same model. No tfjs import.
import { toArtifacts, type ModelFiles } from '../../npmzoo/shared/artifacts.ts';

export function realServedFiles(format: 'tfjs-layers' | 'tfjs-graph', src: ModelFiles): { json: Uint8Array; weights: Uint8Array } {
  const art = toArtifacts(src);
  const weights = new Uint8Array(art.weightData as ArrayBuffer);
  const json = new TextEncoder().encode(JSON.stringify({
    format: format === 'tfjs-graph' ? 'graph-model' : 'layers-model', modelTopology: src.json.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: art.weightSpecs }],
  }));
  return { json, weights };
}
