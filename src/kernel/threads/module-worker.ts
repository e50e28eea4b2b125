import { setPriority } from 'node:os';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on a source module next to `from` (pass `import.meta.url`), named
 * without its extension: from the TypeScript sources (tsx, vitest) the module loads through
 * tsx's `register()`, from the compiled build (dist/) as the `.js` beside the caller.
 */
export function startModuleWorker(
  from: string,
  name: string,
  options: WorkerOptions & { background?: boolean } = {},
): Worker {
  const { background, ...workerOptions } = options;
  if (!from.endsWith('.ts')) return new Worker(new URL(`${name}.js`, from), workerOptions);
  const target = new URL(`${name}.ts`, from).href;
  // A background worker lowers its priority before tsx compiles its modules (see tsx-worker-boot.js).
  return new Worker(new URL('./tsx-worker-boot.js', import.meta.url), {
    ...workerOptions,
    argv: [...(workerOptions.argv ?? []), ...(background ? [BACKGROUND_FLAG] : []), target],
  });
}

/** The worker-boot argument that asks for a lower priority from the first instruction on. */
export const BACKGROUND_FLAG = '--consentry-background-worker';

/**
 * Called on a worker thread that does bulk work: lowers that thread's scheduling priority, so
 * that on a busy machine the event loop's thread wins the CPU and requests keep answering. On
 * Linux the nice value belongs to the calling thread; elsewhere it would apply to the whole
 * process, so there it is left alone.
 */
export function yieldCpuToEventLoop(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(10);
  } catch {
    // Not permitted (some containers): the work just competes at normal priority.
  }
}

/** Lets the event loop run what is waiting (I/O, timers) before the caller continues. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
