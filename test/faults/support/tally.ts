import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const RESULTS_DIR = join(process.cwd(), 'test-results', 'faults');

/** What one scenario of the fault suite did and found; the global teardown adds them up. */
export interface Tally {
  scenario: string;
  faults: string[];
  requests: number;
  /** Answers by status ("200", "503", …; "no answer" when the connection failed). */
  statuses: Record<string, number>;
  tokensVerified: number;
  duplicates: number;
  lostWrites: number;
  /** Refreshes whose answer was lost and whose retry came after the rotation's grace window. */
  lateRetries: number;
  /** Webhook arrivals beyond a delivery's first (a node died before it recorded the answer). */
  webhookRepeats: number;
  /** Answers the suite does not accept (a 500, a 503 without Retry-After, …), described. */
  unexpected: string[];
  /** When the scenario began (epoch ms): the table's columns follow the order they ran in. */
  startedAt: number;
  seconds: number;
}

export function newTally(scenario: string): Tally {
  return {
    scenario,
    faults: [],
    requests: 0,
    statuses: {},
    tokensVerified: 0,
    duplicates: 0,
    lostWrites: 0,
    lateRetries: 0,
    webhookRepeats: 0,
    unexpected: [],
    startedAt: Date.now(),
    seconds: 0,
  };
}

export function countAnswer(tally: Tally, status: number | 'no answer'): void {
  tally.requests++;
  const key = String(status);
  tally.statuses[key] = (tally.statuses[key] ?? 0) + 1;
}

/** Keeps the scenario's tally for the summary (each test file runs in its own process). */
export function saveTally(tally: Tally): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${tally.scenario.replace(/[^a-z0-9]+/gi, '-')}.json`), JSON.stringify(tally));
}

export function loadTallies(): Tally[] {
  let files: string[] = [];
  try {
    files = readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files
    .map((f) => JSON.parse(readFileSync(join(RESULTS_DIR, f), 'utf8')) as Tally)
    .sort((a, b) => a.startedAt - b.startedAt);
}

/** The table the suite ends with: one column per scenario and the total. */
export function summaryTable(tallies: Tally[]): string {
  const columns = [...tallies.map((t) => t.scenario), 'total'];
  const sum = (pick: (t: Tally) => number) => [...tallies.map(pick), tallies.reduce((n, t) => n + pick(t), 0)];
  const statuses = [...new Set(tallies.flatMap((t) => Object.keys(t.statuses)))].sort();
  const rows: Array<[string, Array<number | string>]> = [
    ['faults injected', sum((t) => t.faults.length)],
    ['requests sent', sum((t) => t.requests)],
    ...statuses.map((s): [string, number[]] => [`  answered ${s}`, sum((t) => t.statuses[s] ?? 0)]),
    ['errors (5xx or no answer)', sum((t) => errorsOf(t))],
    ['unexpected answers', sum((t) => t.unexpected.length)],
    ['tokens verified', sum((t) => t.tokensVerified)],
    ['webhook repeats (same delivery id)', sum((t) => t.webhookRepeats)],
    ['duplicates found', sum((t) => t.duplicates)],
    ['lost writes', sum((t) => t.lostWrites)],
    ['refreshes retried after the grace window', sum((t) => t.lateRetries)],
    ['seconds', sum((t) => Math.round(t.seconds))],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const cell = (value: number | string, i: number) => String(value).padStart(Math.max(columns[i]!.length, 7));
  const lines = [
    `${''.padEnd(width)}  ${columns.map((c, i) => cell(c, i)).join('  ')}`,
    ...rows.map(([label, values]) => `${label.padEnd(width)}  ${values.map(cell).join('  ')}`),
    '',
    'faults:',
    ...tallies.flatMap((t) => t.faults.map((f) => `  ${t.scenario}: ${f}`)),
  ];
  return lines.join('\n');
}

function errorsOf(tally: Tally): number {
  return Object.entries(tally.statuses)
    .filter(([status]) => status === 'no answer' || status.startsWith('5'))
    .reduce((n, [, count]) => n + count, 0);
}
