import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  params: unknown[];
}

/** A JSON-RPC proxy in front of anvil that records every call (batched ones too), to see how a client reads the chain. */
export class RpcRecorder {
  readonly calls: RecordedCall[] = [];
  url = '';
  /** While set, the node is gone: every call is answered as a load balancer without a healthy node answers (503). */
  unavailable = false;
  private server: Server | undefined;

  constructor(private readonly target: string) {}

  async start(): Promise<void> {
    this.server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString('utf8');
      if (this.unavailable) {
        response.writeHead(503, { 'content-type': 'text/plain' }).end('no healthy upstream');
        return;
      }
      for (const call of [JSON.parse(body) as RecordedCall].flat())
        this.calls.push({ method: call.method, params: call.params });
      const upstream = await fetch(this.target, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      response.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The `to` of every eth_call, lowercase. */
  callTargets(): string[] {
    return this.calls
      .filter((c) => c.method === 'eth_call')
      .map((c) => String((c.params[0] as { to?: string }).to ?? '').toLowerCase());
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
