// Exact duplicates by content (sha256 of the file): within a class a file is counted once; the same
// content under two or more classes is a label conflict, and every copy of it is left out (which
// label is right cannot be known). Pure: runs on the encoder's per-row hashes.

export interface HashedRow {
  path: string;
  /** class index (labelled data) or -1 */
  cls: number;
  sha256: string;
}

export interface DuplicateReport {
  /** per row: true when it stays */
  keep: boolean[];
  skipped: { path: string; reason: 'duplicate' | 'label-conflict'; detail: string }[];
  notes: string[];
}

export function findDuplicates(rows: readonly HashedRow[], classNames: readonly string[] = []): DuplicateReport {
  const byHash = new Map<string, number[]>();
  rows.forEach((r, i) => (byHash.get(r.sha256) ?? byHash.set(r.sha256, []).get(r.sha256)!).push(i));
  const keep = rows.map(() => true);
  const skipped: DuplicateReport['skipped'] = [];
  const name = (c: number) => classNames[c] ?? (c < 0 ? 'the set' : `class ${c}`);
  let dups = 0;
  let conflicts = 0;
  for (const idx of byHash.values()) {
    if (idx.length < 2) continue;
    const classes = [...new Set(idx.map((i) => rows[i].cls))];
    if (classes.length > 1) {
      conflicts++;
      for (const i of idx) {
        keep[i] = false;
        const others = classes.filter((c) => c !== rows[i].cls).map((c) => `"${name(c)}"`).join(', ');
        skipped.push({ path: rows[i].path, reason: 'label-conflict', detail: `the same image is also under ${others}: left out of every class` });
      }
      continue;
    }
    // the copy kept: the shortest path, then the first in order ("0.jpg" over "0 copy.jpg")
    const keeper = idx.reduce((a, b) => (rows[b].path.length < rows[a].path.length ? b : a));
    for (const i of idx) {
      if (i === keeper) continue;
      keep[i] = false;
      dups++;
      skipped.push({ path: rows[i].path, reason: 'duplicate', detail: `same content as ${rows[keeper].path}: counted once` });
    }
  }
  const notes: string[] = [];
  if (dups) notes.push(`${dups} exact duplicate file(s) (same content as another file of the same class) were counted once.`);
  if (conflicts) notes.push(`${conflicts} image(s) appear under more than one class (label conflicts): every copy was left out.`);
  return { keep, skipped, notes };
}
