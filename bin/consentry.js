#!/usr/bin/env node
// `consentry <command>`. Runs the compiled build (dist/, which `npm install` makes through
// `prepare`, and `npm start` or `npm run build` renews) when it matches the sources: plain
// JavaScript starts faster and takes about half the memory. When there is no build, or src/
// changed since it was made, it runs the TypeScript sources through tsx instead, so an edit is
// never served stale. (`npm run dev` always runs the sources, restarting on every change.)
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { buildIsFresh } from '../scripts/build-state.js';

// The server loads with V8 favouring memory over speed, so the heap its modules build stays small;
// src/server.ts turns V8's defaults back on once it serves unless MEMORY_MODE=smallest.
// Flags are process-wide, worker threads included.
if (process.argv[2] === 'start') setFlagsFromString('--optimize-for-size');

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
