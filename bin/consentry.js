#!/usr/bin/env node
// `consentry <command>`. Runs the compiled build (dist/, which `npm install` makes through
// `prepare`, and `npm start` or `npm run build` renews) when it matches the sources: plain
// JavaScript starts faster and takes about half the memory. When there is no build, or src/
// changed since it was made, it runs the TypeScript sources through tsx instead, so an edit is
// never served stale. (`npm run dev` always runs the sources, restarting on every change.)
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { buildIsFresh } from '../scripts/build-state.js';

// MEMORY_MODE (src/config.ts validates it): V8's flags are set before the server's modules load,
// so the heap they build already follows them. Flags are process-wide, worker threads included.
// eslint-disable-next-line no-restricted-properties -- read before src/config.ts can load; it validates the value
if (process.argv[2] === 'start' && process.env.MEMORY_MODE !== 'fast') setFlagsFromString('--optimize-for-size');

const root = fileURLToPath(new URL('..', import.meta.url));
if (buildIsFresh(root)) {
  await import('../dist/src/cli/main.js');
} else {
  if (process.argv[2] === 'start')
    console.error('consentry: dist/ is missing or older than src/, so the sources run through tsx (npm run build)');
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
