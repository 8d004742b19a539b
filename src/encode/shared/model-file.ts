// Where encoder weights live and how they are hashed, for page and Node alike.
import { encoderById, verifyWeights, type EncoderEntry } from './manifest.ts';
import { deriveFloatEncoder } from './float-derive.ts';
export const MODELS_BASE = 'models/encoders/';

export async function sha256Hex(data: ArrayBuffer | Uint8Array): Promise<string> {
  const buf = data instanceof Uint8Array ? data : new Uint8Array(data);
  const digest = await crypto.subtle.digest('SHA-256', buf as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}


/** The file an entry's bytes come from: its own, or for a derived entry its source's. */
export const servedFile = (e: EncoderEntry): string => (e.derivedFrom ? encoderById(e.derivedFrom.id).file : e.file);

/**
 * An encoder's verified graph. `read` gives the bytes of the served file (servedFile) or throws;
 * `given` are bytes the user dropped (of the entry itself or, for a derived entry, of its source).
 * A derived entry is made here by its committed transform, then held to its own pin: page and
 * Node run exactly the same graph, and nothing extra is downloaded or cached for it.
 */
export async function encoderGraph(e: EncoderEntry, read: () => Promise<Uint8Array>, given?: Uint8Array): Promise<Uint8Array> {
  const check = async (entry: EncoderEntry, b: Uint8Array) => {
    const v = verifyWeights(entry, b.length, await sha256Hex(b));
    if (!v.ok) throw new Error(v.reason);
    return b;
  };
  if (!e.derivedFrom) return check(e, given ?? await read());
  const src = encoderById(e.derivedFrom.id);
  if (given && given.length === e.bytes) return check(e, given);
  const bytes = await check(src, given ?? await read());
  const d = deriveFloatEncoder(bytes, { input: e.input.name, size: e.preprocess.crop });
  return check(e, d.model);
}
