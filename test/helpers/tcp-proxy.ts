import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a real service (PostgreSQL, Redis), to take it away the
 * ways outages do: `cut()` resets every connection and refuses new ones (a crash or restart),
 * `freeze()` keeps connections open but carries nothing (a hung server or a black-holed network),
 * `restore()` brings it back.
 */
export class TcpProxy {
  port = 0;
  private mode: 'open' | 'cut' | 'frozen' = 'open';
  private readonly pairs = new Set<[Socket, Socket | undefined]>();
  private server: Server | undefined;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** Listens on `port` (default: a free one); the mode set before (`freeze`, `cut`) holds from the first connection. */
  async start(port = 0): Promise<void> {
    this.server = createServer((client) => {
      client.on('error', () => {});
      if (this.mode === 'cut') return void client.resetAndDestroy();
      const pair: [Socket, Socket | undefined] = [client, undefined];
      this.pairs.add(pair);
      client.on('close', () => this.pairs.delete(pair));
      if (this.mode === 'frozen') return; // accepted, never answered
      const upstream = connect(this.targetPort, this.targetHost);
      pair[1] = upstream;
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.on('data', (chunk) => {
        if (this.mode === 'open') upstream.write(chunk);
      });
      upstream.on('data', (chunk) => {
        if (this.mode === 'open') client.write(chunk);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** The target's URL with this proxy's address in place of its host and port. */
  through(url: string): string {
    const proxied = new URL(url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(this.port);
    return proxied.toString();
  }

  cut(): void {
    this.mode = 'cut';
    for (const [client, upstream] of this.pairs) {
      client.resetAndDestroy();
      upstream?.destroy();
    }
    this.pairs.clear();
  }

  freeze(): void {
    this.mode = 'frozen';
  }

  /** Open again; connections frozen meanwhile are reset, as a recovered network's stale ones are. */
  restore(): void {
    if (this.mode === 'frozen') this.cut();
    this.mode = 'open';
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
