// Resident memory of a process and all its descendants, from /proc (Linux): the browser's
// renderers, workers and GPU process included, so a bitmap allocated anywhere is counted.
import { readdirSync, readFileSync } from 'node:fs';

export function treeRss(root) {
  const parent = new Map();
  const rss = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // fields after the ")" of the command name: state ppid ...; rss (pages) is field 24
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(f[1]));
      rss.set(Number(name), Number(f[21]) * 4096);
    } catch {
      // the process ended while listing
    }
  }
  let total = 0;
  const stack = [root];
  const seen = new Set();
  while (stack.length) {
    const p = stack.pop();
    if (seen.has(p)) continue;
    seen.add(p);
    total += rss.get(p) ?? 0;
    for (const [c, pp] of parent) if (pp === p) stack.push(c);
  }
  return total;
}
