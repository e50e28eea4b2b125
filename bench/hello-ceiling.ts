// Starts hello-server.ts in its own process (own core, own event loop), like the two OAuth servers.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onParentExit, stopChild } from './child-process.ts';
import type { HelloMessage } from './hello-server.ts';

export interface HelloCeiling {
  /** GET this URL. */
  url: string;
  pid: number;
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

export async function startHelloCeiling(): Promise<HelloCeiling> {
  const child = fork(fileURLToPath(new URL('./hello-server.ts', import.meta.url)), [], {
    cwd: fileURLToPath(new URL('..', import.meta.url)), // so `--import tsx` resolves from this repo
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const guard = onParentExit(child);
  const close = async () => {
    await stopChild(child);
    guard.release();
  };

  try {
    const ready = await new Promise<HelloMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('hello server did not start in time')), START_TIMEOUT_MS);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`hello server exited during start (${code ?? signal})`));
      });
      child.once('message', (msg: HelloMessage) => {
        clearTimeout(timer);
        resolve(msg);
      });
    });
    return { url: `${ready.url}/hello`, pid: child.pid!, close };
  } catch (err) {
    await close();
    throw err;
  }
}
