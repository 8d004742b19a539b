// A model's input spec -> the zoo's Preprocess record (shared preprocess(): shorter side to
// `size`, centre crop, value = (pixel / 255 - mean) / std).
import type { Preprocess } from '../../encode/shared/manifest.ts';
import type { NpmInputSpec } from './types.ts';

export function npmPreprocessSpec(s: Pick<NpmInputSpec, 'size' | 'range'>): Preprocess {
  const [mean, std] = s.range === '0..1' ? [0, 1] : s.range === '-1..1' ? [0.5, 0.5] : [0, 1 / 255];
  return { resize: s.size, crop: s.size, channelOrder: 'RGB', scale: 1 / 255, mean: [mean, mean, mean], std: [std, std, std], inputDtype: 'float32' };
}
