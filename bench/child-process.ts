// Lifecycle helpers for the benchmark's server processes: free ports, bounded stops, no orphans.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/**
 * The Node flags `npm start` gives `bin/consentry.js start` (package.json's start script), so a
 * bench's server runs exactly as a self-hoster's does.
 */
export function npmStartNodeFlags(): string[] {
  if (process.env.BENCH_NODE_FLAGS !== undefined) return process.env.BENCH_NODE_FLAGS.split(' ').filter(Boolean);
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    scripts: { start: string };
  };
  const command = pkg.scripts.start.split('&&').find((part) => part.includes('bin/consentry.js start'));
  const words = command?.trim().split(/\s+/) ?? [];
  if (words[0] !== 'node') throw new Error(`package.json's start script does not run node bin/consentry.js start`);
  return words.slice(1, words.indexOf('bin/consentry.js'));
}
