// Prints every conflict between published tables that measured the same (model, target) pairs
// (npm run public:conflicts). Values are never averaged across tables.
import { readFileSync } from 'node:fs';
import { evidenceFromCsv } from '../../src/catalogue/shared/evidence.ts';
import { findConflicts, formatConflict } from '../../src/catalogue/shared/conflicts.ts';

const rows = evidenceFromCsv(readFileSync(process.argv[2] ?? 'data/public/evidence.csv', 'utf8'));
const cs = findConflicts(rows);
if (!cs.length) console.log('no conflicts');
for (const c of cs) console.log(formatConflict(c));
