import { parse } from 'csv-parse/sync';

export interface CsvRow {
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  get(column: string): string;
}

export interface CsvProblem {
  line: number;
  message: string;
}

/**
 * Parses CSV text into rows addressed by header name (case- and space-insensitive). A file that
 * is not CSV at all, or lacks a required column, is one problem at line 1.
 */
const OPTIONS = { bom: true, skip_empty_lines: true, relax_column_count: true } as const;

export function readRows(content: string, required: string[]): { rows: CsvRow[]; problems: CsvProblem[] } {
  let records: string[][];
  try {
    records = parse(content, OPTIONS);
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return { rows: [], problems: [{ line, message: `the file is not valid CSV (${(error as Error).message.split('\n')[0]})` }] };
  }
  const [header, ...body] = records;
  if (!header) return { rows: [], problems: [{ line: 1, message: 'the file is empty' }] };
  // Line numbers cost a second pass; they are only needed to report a problem.
  let lines: number[] | undefined;
  const lineOf = (record: number) => {
    lines ??= (parse(content, { ...OPTIONS, info: true }) as unknown as Array<{ info: { lines: number } }>).map((r) => r.info.lines);
    return lines[record] ?? record + 1;
  };
  const normalized = new Map(header.map((name, i) => [normalize(name), i]));
  const missing = required.filter((name) => !normalized.has(normalize(name)));
  if (missing.length) return { rows: [], problems: [{ line: lineOf(0), message: `missing column(s): ${missing.join(', ')}` }] };
  // Column names as callers spell them, resolved once for the whole file.
  const index = new Map<string, number | undefined>();
  const columnOf = (column: string) => {
    if (!index.has(column)) index.set(column, normalized.get(normalize(column)));
    return index.get(column);
  };
  const rows = body.map((record, n) => ({
    get line() {
      return lineOf(n + 1);
    },
    get: (column: string) => {
      const i = columnOf(column);
      return i === undefined ? '' : (record[i] ?? '').trim();
    },
  }));
  return { rows, problems: [] };
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}
