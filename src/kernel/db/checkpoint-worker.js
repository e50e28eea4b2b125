// @ts-check
/**
 * The WAL checkpoint worker's code (see sqlite-checkpointer.ts): its own connection to the same
 * file, checkpointing every `intervalMs` (PASSIVE: never blocks a writer) until told to stop.
 *
 * Plain JavaScript, type-checked by tsc (`@ts-check`) and linted, so that it starts as it is
 * everywhere (see keys/signing-worker.js for why not TypeScript).
 */
import SqliteDatabase from 'better-sqlite3';
import { clearInterval, setInterval } from 'node:timers';
import { parentPort, workerData } from 'node:worker_threads';
import { runBehindEventLoop } from '../threads/background-priority.js';

/**
 * @typedef {object} CheckpointWorkerData
 * @property {string} file
 * @property {number} intervalMs
 */

/**
 * @param {import('node:worker_threads').MessagePort} port
 * @param {CheckpointWorkerData} data
 */
function run(port, { file, intervalMs }) {
  runBehindEventLoop();
  const db = new SqliteDatabase(file);
  db.pragma('busy_timeout = 1000');
  const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  const timer = setInterval(() => checkpoint.get(), intervalMs);
  port.on('message', () => {
    clearInterval(timer);
    db.close();
    port.close();
  });
}

// Imported anywhere but in a worker thread, this module does nothing.
if (parentPort) run(parentPort, workerData);
