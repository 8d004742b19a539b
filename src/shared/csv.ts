// Minimal CSV reader for the project's tidy tables (../shared/gt): comma-separated, first line is
// the header, no quoted fields with embedded commas or newlines. Quoted fields without embedded
// separators are unquoted; quoted fields may hold commas (not newlines). Kept tiny on purpose; swap for a real parser if the data grows quotes.

export type CsvRow = Record<string, string>;

export interface Csv {
  header: string[];
  rows: CsvRow[];
}

/** Splits one line on commas outside double quotes (timm's tables quote "1,013.01"). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '', q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') q = !q;
    if (ch === ',' && !q) { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out;
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
}

export function parseCsv(text: string): Csv {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return { header: [], rows: [] };
  const header = splitCsvLine(lines[0]).map(unquote);
  const rows = lines.slice(1).map((line, i) => {
    const cells = splitCsvLine(line).map(unquote);
    if (cells.length !== header.length) {
      throw new Error(`csv line ${i + 2}: ${cells.length} fields, header has ${header.length}`);
    }
    const row: CsvRow = {};
    header.forEach((h, j) => (row[h] = cells[j]));
    return row;
  });
  return { header, rows };
}
