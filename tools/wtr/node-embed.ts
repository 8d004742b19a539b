// Embeds files with onnxruntime-node for browser tests (run in the test server's Node process).
import { readFileSync } from 'node:fs';
import { loadNodeEncoder } from '../../src/encode/node/encoder.ts';
import { decodeImage } from '../../src/encode/node/decode.ts';

export async function embedFilesInNode(encoderId: string, paths: string[]): Promise<number[][]> {
  const enc = await loadNodeEncoder(encoderId);
  try {
    const imgs = paths.map((p) => decodeImage(new Uint8Array(readFileSync(p))));
    return (await enc.embed(imgs)).map((v) => Array.from(v));
  } finally {
    await enc.release();
  }
}
