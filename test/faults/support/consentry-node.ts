import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.ts';

const BIN = fileURLToPath(new URL('../../../bin/consentry.js', import.meta.url));

/**
 * One Consentry node as production runs it, `consentry start` in its own process, that the
 * suite can `kill -9` and start again on the same port. Its log goes to `logFile`; an exit the
 * suite did not cause is counted as a crash.
 */
export class ConsentryNode {
  private process: ChildProcess | undefined;
  private log: WriteStream;
  private recent: string[] = [];
  private readonly endedOnPurpose = new WeakSet<ChildProcess>();
  /** Exits nobody asked for (the suite expects none). */
  crashes: string[] = [];

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    logFile: string,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.process !== undefined && this.process.exitCode === null && this.process.signalCode === null;
  }

  /**
   * Starts the process and waits until it serves (/readyz 200), or with `alive` only until it
   * answers /healthz: a node whose database is away answers that while it waits for it.
   */
  async start(until: 'ready' | 'alive' = 'ready'): Promise<void> {
    const child = spawn(process.execPath, [BIN, 'start'], {
      env: { PATH: process.env.PATH ?? '', ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process = child;
    const keep = (chunk: Buffer) => {
      this.log.write(chunk);
      this.recent = [...this.recent, ...chunk.toString().split('\n')].slice(-40);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.once('exit', (code, signal) => {
      if (this.endedOnPurpose.has(child)) return;
      this.crashes.push(`${this.name} exited (code ${code}, signal ${signal}):\n${this.recent.join('\n')}`);
    });
    const path = until === 'ready' ? '/readyz' : '/healthz';
    await waitFor(`${this.name} to answer ${path}`, 30_000, async () => {
      if (!this.running) throw new Error(`${this.name} exited while starting:\n${this.recent.join('\n')}`);
      return (await fetch(`${this.url}${path}`).catch(() => undefined))?.status === 200;
    });
  }

  /** `kill -9`: no shutdown hook runs, in-flight requests and jobs are cut where they are. */
  async kill(): Promise<void> {
    await this.end('SIGKILL');
  }

  /** SIGTERM, the graceful stop (the suite's cleanup); the exit code (null when it was not running). */
  async stop(): Promise<number | null> {
    const code = await this.end('SIGTERM');
    await new Promise<void>((resolve) => this.log.end(resolve));
    return code;
  }

  private async end(signal: NodeJS.Signals): Promise<number | null> {
    const child = this.process;
    if (!child || !this.running) return null;
    this.endedOnPurpose.add(child);
    child.kill(signal);
    const [code] = (await once(child, 'exit')) as [number | null];
    return code;
  }
}
