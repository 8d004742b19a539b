// A deterministic synthetic input batch for page/Node agreement checks of zoo models: exact in
// every JS engine (integer PRNG, one division), so Node and the page feed identical tensors.
import { mulberry32 } from '../../shared/random.ts';

export function syntheticBatch(n: number, size: number, seed = 1234): Float32Array {
  const rand = mulberry32(seed);
  const x = new Float32Array(n * 3 * size * size);
  for (let i = 0; i < x.length; i++) x[i] = rand() * 4 - 2;
  return x;
}

export const REFERENCE_MODELS = ['vgg-mnist', 'convmixer-pool', 'mobilenetv2-dtd', 'resnet-flowers102'];
