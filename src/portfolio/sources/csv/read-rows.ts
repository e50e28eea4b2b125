import { Readable } from 'node:stream';
import { parse } from 'csv-parse';

export interface CsvRow {
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  get(column: string): string;
}

export interface CsvProblem {
  line: number;
  message: string;
}

const OPTIONS = { bom: true, skip_empty_lines: true, relax_column_count: true, info: true } as const;
/** Characters handed to the parser at a time. */
const CHUNK = 64 * 1024;

/**
 * Parses CSV text into rows addressed by header name (case- and space-insensitive), streaming
 * it through csv-parse in one pass (each record comes with its line number). A file that is not
 * CSV at all, lacks a required column, or has more than `maxRows` rows is one problem.
 */
export async function readRows(
  content: string,
  required: string[],
  maxRows: number,
): Promise<{ rows: CsvRow[]; problems: CsvProblem[] }> {
  // No export of ours holds U+0000, and PostgreSQL's text cannot store it; UTF-16 files are full of it.
  if (content.includes('\0'))
    return {
      rows: [],
      problems: [{ line: 1, message: 'the file holds NUL characters (U+0000): save it as UTF-8 CSV' }],
    };
  const parser = Readable.from(chunks(content)).pipe(parse(OPTIONS));
  const records: Array<{ record: string[]; info: { lines: number } }> = [];
  try {
    for await (const entry of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (records.length > maxRows) {
        parser.destroy();
        return {
          rows: [],
          problems: [
            {
              line: entry.info.lines,
              message: `the file has more than ${maxRows} rows; split it into several imports`,
            },
          ],
        };
      }
      records.push(entry);
    }
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return {
      rows: [],
      problems: [{ line, message: `the file is not valid CSV (${(error as Error).message.split('\n')[0]})` }],
    };
  }
  const [header, ...body] = records;
  if (!header) return { rows: [], problems: [{ line: 1, message: 'the file is empty' }] };
  const normalized = new Map(header.record.map((name, i) => [normalize(name), i]));
  const missing = required.filter((name) => !normalized.has(normalize(name)));
  if (missing.length)
    return { rows: [], problems: [{ line: header.info.lines, message: `missing column(s): ${missing.join(', ')}` }] };
  // Column names as callers spell them, resolved once for the whole file.
  const index = new Map<string, number | undefined>();
  const columnOf = (column: string) => {
    if (!index.has(column)) index.set(column, normalized.get(normalize(column)));
    return index.get(column);
  };
  const rows = body.map(({ record, info }) => ({
    line: info.lines,
    get: (column: string) => {
      const i = columnOf(column);
      return i === undefined ? '' : (record[i] ?? '').trim();
    },
  }));
  return { rows, problems: [] };
}

function* chunks(content: string): Generator<string> {
  for (let at = 0; at < content.length; at += CHUNK) yield content.slice(at, at + CHUNK);
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}
