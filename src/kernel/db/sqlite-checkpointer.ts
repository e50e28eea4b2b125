import { startPlainWorker } from '../threads/plain-worker.ts';
import type BetterSqlite3 from 'better-sqlite3';
import type { CheckpointWorkerData } from './checkpoint-worker.js';

const CHECKPOINT_INTERVAL_MS = 500;
const AUTOCHECKPOINT_PAGES = 1000; // SQLite's default, restored if the worker fails

/**
 * Moves SQLite's WAL checkpoints off the event loop. By default the connection that commits
 * past 1000 WAL pages copies them into the database file and fsyncs, inside that commit; under
 * the token endpoint's load that was about a fifth of a refresh's cost (bench/token-handlers.ts).
 * Here a worker thread (checkpoint-worker.js) checkpoints every 500 ms with its own connection
 * (PASSIVE: it never blocks a writer); should it fail, the connection checkpoints by itself again.
 */
export function startCheckpointer(
  sqlite: BetterSqlite3.Database,
  file: string,
  onError: (error: Error) => void,
): () => Promise<void> {
  sqlite.pragma('wal_autocheckpoint = 0');
  // Once a checkpoint has caught up, the WAL restarts; this bounds the file it leaves behind.
  sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  const workerData: CheckpointWorkerData = { file, intervalMs: CHECKPOINT_INTERVAL_MS };
  const worker = startPlainWorker(new URL('./checkpoint-worker.js', import.meta.url), { workerData });
  worker.unref();
  let stopping = false;
  const fallBack = (error: Error) => {
    if (stopping || !sqlite.open) return;
    sqlite.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    onError(error);
  };
  worker.on('error', fallBack);
  worker.on('exit', (code) => fallBack(new Error(`the WAL checkpoint worker exited with code ${code}`)));
  return async () => {
    if (stopping) return;
    stopping = true;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    // Referenced again: an unreferenced worker would let the process end before it has exited.
    worker.ref();
    worker.postMessage('stop');
    await exited;
  };
}
