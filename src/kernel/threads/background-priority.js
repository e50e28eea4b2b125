// @ts-check
/**
 * Helper threads (the signing worker, SQLite's checkpointer) run at a lower scheduling priority
 * than the event loop that waits on them. Waking a thread on a busy host otherwise lets it preempt
 * the event loop for its whole batch: with two cores shared with the load generator, the refresh
 * bench answered ~25% more requests with the signer at nice +10, and spent less CPU on each
 * (fewer context switches). The event loop is what every request waits on; a batch of signatures
 * can wait a little for it instead.
 *
 * Plain JavaScript, imported by the plain workers (see keys/signing-worker.js).
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** How much nicer than the process a helper thread is (Linux nice steps; 19 is the lowest). */
const NICER_BY = 10;

/**
 * Lowers the calling thread's priority. Linux only: there `/proc/thread-self` names the thread's
 * id, and setpriority(2) given a thread id changes that thread alone. Elsewhere, or where the
 * host refuses, the thread keeps the process's priority.
 */
export function runBehindEventLoop() {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return;
    setPriority(tid, Math.min(19, getPriority(tid) + NICER_BY));
  } catch {
    // No /proc, or not allowed: nothing to change.
  }
}
