// @ts-check
// The first module of a worker thread started from the TypeScript sources (tsx, vitest): loads
// tsx into this thread, then the worker's own .ts module, whose URL is the last argv entry.
// The compiled build starts the .js module directly and never comes here.
import { register } from 'tsx/esm/api';

register();
await import(/** @type {string} */ (process.argv[process.argv.length - 1]));
