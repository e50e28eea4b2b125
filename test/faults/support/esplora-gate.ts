import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

interface InFlight {
  node: string;
  address: string;
}

/**
 * Stands between the nodes and the Esplora stand-in: each node is given its own base URL
 * (`<gate>/<node name>`), so the gate knows which node asks, and every answer is held `delayMs`,
 * so a sync lasts long enough to be cut by a `kill -9`. It reports which nodes are syncing now,
 * and any moment two nodes read the same wallet at once (one sync job run twice at the same time).
 */
export class EsploraGate {
  private server: Server | undefined;
  private readonly inFlight = new Set<InFlight>();
  url = '';
  /** Wallets two nodes read at the same moment. */
  readonly concurrentRuns: string[] = [];
  /** Requests per node name, for the record. */
  readonly requestsBy: Record<string, number> = {};
  /** Every wallet read: which node, which address, when. */
  readonly reads: Array<{ node: string; address: string; at: number }> = [];

  constructor(
    private readonly upstream: string,
    private readonly delayMs: number,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((incoming, outgoing) => {
      const [, node = '', ...rest] = (incoming.url ?? '/').split('/');
      const path = `/${rest.join('/')}`;
      const address = rest[0] === 'address' ? (rest[1] ?? '') : '';
      const entry = { node, address };
      if (address) {
        const other = [...this.inFlight].find((f) => f.address === address && f.node !== node);
        if (other) this.concurrentRuns.push(`${address} read by ${other.node} and ${node} at once`);
        this.reads.push({ node, address, at: Date.now() });
      }
      this.requestsBy[node] = (this.requestsBy[node] ?? 0) + 1;
      this.inFlight.add(entry);
      const done = () => this.inFlight.delete(entry);
      outgoing.on('close', done);
      void delay(this.delayMs).then(() => {
        const forwarded = httpRequest(`${this.upstream}${path}`, (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        });
        forwarded.on('error', () => outgoing.destroy());
        forwarded.end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The ESPLORA_URL for one node. */
  urlFor(node: string): string {
    return `${this.url}/${node}`;
  }

  /** The wallet `node` is waiting on now (it is in the middle of that wallet's sync), if any. */
  syncing(node: string): string | undefined {
    return [...this.inFlight].find((f) => f.node === node && f.address !== '')?.address;
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
