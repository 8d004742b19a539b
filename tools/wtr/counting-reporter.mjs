// Writes {passed, failed} of the browser run to a file, so `npm test` can sum Node and browser runners.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

function count(suite, acc) {
  for (const t of suite?.tests ?? []) {
    if (t.skipped) continue;
    if (t.passed) acc.passed++;
    else acc.failed++;
  }
  for (const s of suite?.suites ?? []) count(s, acc);
}

export function countingReporter(file) {
  return {
    onTestRunFinished({ sessions }) {
      const acc = { passed: 0, failed: 0 };
      for (const s of sessions) {
        count(s.testResults, acc);
        // a file that failed to load or threw outside a test counts as one failure
        if (!s.passed && (s.errors?.length ?? 0) > 0) acc.failed++;
      }
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(acc));
    },
  };
}
