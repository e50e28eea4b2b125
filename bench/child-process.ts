// Lifecycle helpers for the benchmark's server processes: free ports, bounded stops, no orphans.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';

/** An ephemeral TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * SIGTERM, then wait for the exit (a graceful exit is what writes a --cpu-prof profile); SIGKILL
 * if it has not gone within `graceMs`. Resolves once the process is gone.
 */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    await gone;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Kills the child (synchronously, SIGKILL) and runs `cleanup` if this process exits before
 * `release()` is called, so a crash or Ctrl-C never leaves a server or a temp dir behind.
 */
export function onParentExit(child: ChildProcess, cleanup: () => void = () => {}): { release(): void } {
  const handler = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    cleanup();
  };
  process.once('exit', handler);
  return { release: () => process.removeListener('exit', handler) };
}
