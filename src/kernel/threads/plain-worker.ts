import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread whose code is a plain JavaScript module (`signing-worker.js`,
 * `checkpoint-worker.js`). A worker inherits the process's `execArgv`; a process started with
 * `--import tsx` (the benchmarks, `node --import tsx script.ts`) would load tsx into the worker
 * too, which its plain JavaScript does not need: on Node 20 that doubled the worker's start-up
 * time and added ~8 MiB. So that flag is left out, and so are the V8 heap sizes (such as
 * `--max-semi-space-size`), which a worker refuses in its `execArgv`; every other one is kept.
 */
export function startPlainWorker(url: URL, options: WorkerOptions = {}): Worker {
  return new Worker(url, { ...options, execArgv: withoutTsx(process.execArgv) });
}

function withoutTsx(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (arg === '--import' && isTsx(execArgv[i + 1])) i++;
    else if (HEAP_SIZE.test(arg)) continue;
    else if (!(arg.startsWith('--import=') && isTsx(arg.slice('--import='.length)))) kept.push(arg);
  }
  return kept;
}

const HEAP_SIZE = /^--(max|min)-(semi|old)-space-size(=|$)/;

function isTsx(specifier: string | undefined): boolean {
  return specifier !== undefined && /^tsx(\/|$)/.test(specifier);
}
