import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BalanceItem, NormalizedTransaction } from '../../ledger/normalized.ts';
import type { CsvProblem } from './read-rows.ts';

export interface CsvLimits {
  /** Rows (after the header) one file may have. */
  maxRows: number;
  /** Bytes (UTF-8) one file may have; a larger one is measured and not parsed. */
  maxBytes?: number;
}

export interface CsvJob extends CsvLimits {
  mode: 'check' | 'read';
  format: string;
  content: string;
}

export type CsvWorkerMessage =
  | { kind: 'rows'; items: NormalizedTransaction[] }
  | { kind: 'done'; bytes: number; rows: number; problems: CsvProblem[]; digest: string; balances: BalanceItem[] };

export interface CsvParsed {
  /** Transactions ("read" only). */
  transactions: NormalizedTransaction[];
  /** The file's size in UTF-8 bytes. */
  bytes: number;
  rows: number;
  problems: CsvProblem[];
  /** SHA-256 of format and content: the same file linked twice is a duplicate. */
  digest: string;
  balances: BalanceItem[];
}

/**
 * Parses a CSV file on a worker thread. Measured reason: parsing a 2.5 MB file on the event loop
 * held every other request for 2.6 s; here the loop only receives the result, in messages of a
 * few hundred transactions. A worker per file (its start costs ~0.2 s) keeps one import from
 * holding memory or state for the next.
 */
export function parseCsvOffThread(job: CsvJob): Promise<CsvParsed> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(job);
    const transactions: NormalizedTransaction[] = [];
    let settled = false;
    worker.on('message', (message: CsvWorkerMessage) => {
      if (message.kind === 'rows') {
        for (const item of message.items) transactions.push(item);
        return;
      }
      settled = true;
      resolve({ transactions, bytes: message.bytes, rows: message.rows, problems: message.problems, digest: message.digest, balances: message.balances });
      void worker.terminate();
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the CSV worker exited with code ${code}`));
    });
  });
}

/** From the TypeScript sources (tsx, vitest) the worker loads through tsx; from dist/ directly. */
function startWorker(job: CsvJob): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./csv-worker.js', here), { workerData: job });
  const tsx = tsxApiUrl(here);
  const target = new URL('./csv-worker.ts', here).href;
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(target)}); })`;
  return new Worker(boot, { eval: true, workerData: job });
}

/** The ESM build of tsx's `register()` API, as its package exports name it. */
function tsxApiUrl(from: string): string {
  const require = createRequire(from);
  const manifestPath = require.resolve('tsx/package.json');
  const manifest = require(manifestPath) as { exports: Record<string, { import: { default: string } }> };
  return new URL(manifest.exports['./esm/api']!.import.default, pathToFileURL(manifestPath)).href;
}
