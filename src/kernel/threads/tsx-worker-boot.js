// @ts-check
// The first module of a worker thread started from the TypeScript sources (tsx, vitest): loads
// tsx into this thread, then the worker's own .ts module, whose URL is the last argv entry.
// The compiled build starts the .js module directly and never comes here.
// A background worker (`--consentry-background-worker`, see module-worker.ts) first lowers its
// own thread's priority: compiling its modules would otherwise compete with the event loop.
import { setPriority } from 'node:os';
import { register } from 'tsx/esm/api';

if (process.argv.includes('--consentry-background-worker') && process.platform === 'linux') {
  try {
    setPriority(10);
  } catch {
    // Not permitted here: the worker starts at normal priority.
  }
}
register();
await import(/** @type {string} */ (process.argv[process.argv.length - 1]));
