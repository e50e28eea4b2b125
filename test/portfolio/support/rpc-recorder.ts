import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RecordedCall {
  method: string;
  params: unknown[];
  /** When it arrived (performance.now(), ms). */
  at: number;
}

/**
 * A JSON-RPC proxy in front of anvil that records every call (batched ones too), to see how a
 * client reads the chain. Given `chainId`, it presents anvil's state as that chain (eth_chainId
 * answers it), so one anvil node can stand in for several networks.
 */
export class RpcRecorder {
  readonly calls: RecordedCall[] = [];
  /** HTTP requests received (a batch of calls is one). */
  requests = 0;
  /** Added before every answer, as the round trip to a public RPC node takes. */
  latencyMs = 0;
  url = '';
  /** While set, the node is gone: every call is answered as a load balancer without a healthy node answers (503). */
  unavailable = false;
  private server: Server | undefined;

  constructor(
    private readonly target: string,
    private readonly chainId?: number,
    /** An OP-stack node: each receipt carries this L1 data fee (wei), with OP's l1 fields beside it. */
    private readonly l1FeeOf?: (hash: string) => bigint,
  ) {}

  async start(): Promise<void> {
    this.server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString('utf8');
      if (this.unavailable) {
        response.writeHead(503, { 'content-type': 'text/plain' }).end('no healthy upstream');
        return;
      }
      const parsed = JSON.parse(body) as Omit<RecordedCall, 'at'> | Array<Omit<RecordedCall, 'at'>>;
      this.requests++;
      const at = performance.now();
      for (const call of [parsed].flat()) this.calls.push({ method: call.method, params: call.params, at });
      const upstream = await fetch(this.target, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const text = await upstream.text();
      if (this.latencyMs > 0) await sleep(this.latencyMs);
      response
        .writeHead(upstream.status, { 'content-type': 'application/json' })
        .end(this.chainId === undefined && !this.l1FeeOf ? text : this.rewrite(parsed, text));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /**
   * The node's answer as the network it stands for sends it: eth_chainId's result (batched or
   * not) is this proxy's chain id; receipts of an OP-stack node carry l1Fee, l1GasPrice, l1GasUsed.
   */
  private rewrite(request: Omit<RecordedCall, 'at'> | Array<Omit<RecordedCall, 'at'>>, text: string): string {
    const methods = new Map([request].flat().map((c) => [(c as { id?: unknown }).id, c.method]));
    const answer = JSON.parse(text) as Array<{ id?: unknown; result?: unknown }> | { id?: unknown; result?: unknown };
    for (const item of [answer].flat()) {
      const method = methods.get(item.id);
      if (method === 'eth_chainId' && this.chainId !== undefined) item.result = `0x${this.chainId.toString(16)}`;
      if (method === 'eth_getTransactionReceipt' && this.l1FeeOf && item.result) {
        const receipt = item.result as { transactionHash: string };
        Object.assign(receipt, {
          l1Fee: `0x${this.l1FeeOf(receipt.transactionHash).toString(16)}`,
          l1GasPrice: '0x3b9aca00',
          l1GasUsed: '0x640',
        });
      }
    }
    return JSON.stringify(answer);
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
