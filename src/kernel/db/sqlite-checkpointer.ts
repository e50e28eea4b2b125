import { statSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { startPlainWorker } from '../threads/plain-worker.ts';
import type BetterSqlite3 from 'better-sqlite3';
import type { CheckpointWorkerData } from './checkpoint-worker.js';

const CHECKPOINT_INTERVAL_MS = 500;
const AUTOCHECKPOINT_PAGES = 1000; // SQLite's default, restored if the worker fails
/** WAL file growth in one interval that makes checkpoints worth a thread. */
const BUSY_WAL_BYTES = 1024 * 1024;
/** Rows this connection changed in one interval that make checkpoints worth a thread. */
const BUSY_ROWS = 256;

/**
 * Moves SQLite's WAL checkpoints off the event loop. By default the connection that commits
 * past 1000 WAL pages copies them into the database file and fsyncs, inside that commit; under
 * the token endpoint's load that was about a fifth of a refresh's cost (bench/token-handlers.ts).
 *
 * While writes are few, the committing connection checkpoints every 500 ms on a timer (PASSIVE:
 * it never blocks a writer; a handful of pages, and nothing at all when nothing was written).
 * The first busy interval starts a worker thread (checkpoint-worker.js) with its own connection
 * to do it from then on: a thread costs ~11 MB, which an idle server need not pay. Busy is told
 * before checkpointing, so that the event loop never copies a busy interval's pages itself (a
 * 10 MB upload's took 35 ms): BUSY_ROWS rows changed on this connection, or the WAL file grown
 * by BUSY_WAL_BYTES (a few large rows). Should the worker fail, the connection checkpoints by
 * itself again as SQLite does by default.
 */
export interface Checkpointer {
  /** Whether the worker thread has taken checkpoints over (after the first busy interval). */
  readonly onWorker: boolean;
  stop(): Promise<void>;
}

export function startCheckpointer(
  sqlite: BetterSqlite3.Database,
  file: string,
  onError: (error: Error) => void,
): Checkpointer {
  sqlite.pragma('wal_autocheckpoint = 0');
  // Once a checkpoint has caught up, the WAL restarts; this bounds the file it leaves behind.
  sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  const checkpointHere = sqlite.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  let worker: Worker | undefined;
  let stopping = false;
  let firstTick = true;

  const fallBack = (error: Error) => {
    if (stopping || !sqlite.open) return;
    sqlite.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    onError(error);
  };
  const handOver = () => {
    clearInterval(timer);
    const workerData: CheckpointWorkerData = { file, intervalMs: CHECKPOINT_INTERVAL_MS };
    worker = startPlainWorker(new URL('./checkpoint-worker.js', import.meta.url), { workerData });
    worker.unref();
    worker.on('error', fallBack);
    worker.on('exit', (code) => fallBack(new Error(`the WAL checkpoint worker exited with code ${code}`)));
  };
  const changes = sqlite.prepare('SELECT total_changes()').pluck();
  const walBytes = () => statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
  let changesBefore = 0;
  let walBytesBefore = 0;
  const timer = setInterval(() => {
    // A transaction of this connection is open across an await: its commit comes first.
    if (!sqlite.open || sqlite.inTransaction) return;
    try {
      const changed = changes.get() as number;
      const bytes = walBytes();
      // The first interval holds start-up's writes (migrations on a new database), not traffic.
      const busy = !firstTick && (changed - changesBefore >= BUSY_ROWS || bytes - walBytesBefore >= BUSY_WAL_BYTES);
      firstTick = false;
      changesBefore = changed;
      walBytesBefore = bytes;
      if (busy) handOver();
      else checkpointHere.get();
    } catch (error) {
      clearInterval(timer);
      fallBack(error instanceof Error ? error : new Error(String(error)));
    }
  }, CHECKPOINT_INTERVAL_MS);
  timer.unref();

  return {
    get onWorker() {
      return worker !== undefined;
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(timer);
      if (!worker) return;
      const exited = new Promise((resolve) => worker!.once('exit', resolve));
      // Referenced again: an unreferenced worker would let the process end before it has exited.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
