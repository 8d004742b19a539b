// Minimal CSV reader for the project's tidy tables (../shared/gt): comma-separated, first line is
// the header, no quoted fields with embedded commas or newlines. Quoted fields without embedded
// separators are unquoted. Kept tiny on purpose; swap for a real parser if the data grows quotes.

export type CsvRow = Record<string, string>;

export interface Csv {
  header: string[];
  rows: CsvRow[];
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
}

export function parseCsv(text: string): Csv {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return { header: [], rows: [] };
  const header = lines[0].split(',').map(unquote);
  const rows = lines.slice(1).map((line, i) => {
    const cells = line.split(',').map(unquote);
    if (cells.length !== header.length) {
      throw new Error(`csv line ${i + 2}: ${cells.length} fields, header has ${header.length}`);
    }
    const row: CsvRow = {};
    header.forEach((h, j) => (row[h] = cells[j]));
    return row;
  });
  return { header, rows };
}
