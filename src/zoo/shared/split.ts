// Which images of a dataset the zoo may train on ('zoo') and which are kept for target tasks
// ('target'): per class, seeded, so no GT task ever contains an image any zoo model was trained on.
import { mulberry32 } from '../../shared/random.ts';

export function zooTargetSplit(labels: ArrayLike<number>, trainFraction: number, seed: number): Uint8Array {
  // 1 = zoo (trainable), 0 = target
  const part = new Uint8Array(labels.length);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const g = groups.get(labels[i]) ?? [];
    g.push(i);
    groups.set(labels[i], g);
  }
  const rand = mulberry32(seed);
  for (const c of [...groups.keys()].sort((a, b) => a - b)) {
    const idx = groups.get(c)!;
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    const k = Math.floor(trainFraction * idx.length);
    for (let i = 0; i < k; i++) part[idx[i]] = 1;
  }
  return part;
}
