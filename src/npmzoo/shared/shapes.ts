import type { NpmInputSpec } from './types.ts';

/** the model's input tensor shape for a batch */
export function inputShapeFor(s: Pick<NpmInputSpec, 'layout' | 'size' | 'channels'>, batch = 1): number[] {
  return s.layout === 'NHWC' ? [batch, s.size, s.size, s.channels === 'grey' ? 1 : 3] : [batch, s.channels === 'grey' ? 1 : 3, s.size, s.size];
}
