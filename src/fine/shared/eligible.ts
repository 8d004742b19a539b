// Which of the user's classes the fine stage can check: it holds images out (k-fold, k at most the
// smallest class), so a class needs 2 images and the task needs 2 such classes. One-image classes
// still count for the ranking (class centres); they are only left out of the check.

export interface FineEligibility {
  /** class indices the check uses */
  classes: number[];
  /** why the check cannot run at all, or '' */
  blocked: string;
  /** what was left out, or '' */
  note: string;
}

export function fineEligibility(counts: readonly number[], names: readonly string[]): FineEligibility {
  const classes = counts.map((_, i) => i).filter((i) => counts[i] >= 2);
  const out = counts.map((_, i) => i).filter((i) => counts[i] < 2);
  const list = (ix: number[]) => `${ix.slice(0, 5).map((i) => names[i]).join(', ')}${ix.length > 5 ? ', …' : ''}`;
  if (classes.length < 2) {
    const why = classes.length === 0 ? 'every class has a single image' : `only "${names[classes[0]]}" has 2 or more`;
    return { classes: [], note: '', blocked: `Checking models on your images needs held-out images: at least 2 images in each of 2 classes, and here ${why}. The ranking above uses class centres only.` };
  }
  return { classes, blocked: '', note: out.length ? `Classes with a single image are left out of the check (nothing to hold out): ${list(out)}.` : '' };
}
