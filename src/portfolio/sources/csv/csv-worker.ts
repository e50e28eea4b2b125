/**
 * The CSV worker thread: parses one file (streaming, see read-rows.ts), then answers with a
 * summary ("check") or with the transactions in small messages and the balances ("read"), so
 * the event loop never deserializes a whole file at once.
 */
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { sumBalances } from '../../ledger/sum-balances.ts';
import { CSV_FORMATS } from './formats.ts';
import type { CsvJob, CsvWorkerMessage } from './parse-off-thread.ts';

const BATCH = 500;

const job = workerData as CsvJob;
const post = (message: CsvWorkerMessage) => parentPort!.postMessage(message);

const reader = CSV_FORMATS[job.format];
const bytes = Buffer.byteLength(job.content, 'utf8');
if (job.maxBytes !== undefined && bytes > job.maxBytes) {
  post({ kind: 'done', bytes, rows: 0, problems: [], digest: '', balances: [] });
} else if (!reader) {
  post({ kind: 'done', bytes, rows: 0, problems: [{ line: 1, message: `CSV format ${job.format} is unknown` }], digest: '', balances: [] });
} else {
  const { transactions, problems } = await reader.parse(job.content, job.maxRows);
  const digest = createHash('sha256').update(`${job.format}\u0000${job.content}`).digest('base64url');
  if (job.mode === 'read' && problems.length === 0) {
    for (let at = 0; at < transactions.length; at += BATCH) post({ kind: 'rows', items: transactions.slice(at, at + BATCH) });
  }
  const balances = job.mode === 'read' && problems.length === 0 ? sumBalances(transactions) : [];
  post({ kind: 'done', bytes, rows: transactions.length, problems, digest, balances });
}
