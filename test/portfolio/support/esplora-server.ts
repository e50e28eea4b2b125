import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { address as btcAddress, networks, Transaction } from 'bitcoinjs-lib';

interface Stored {
  tx: Transaction;
  height?: number;
  time?: number;
}

/**
 * An Esplora-compatible HTTP server over real bitcoinjs-lib transactions: the wire format of
 * /address/:a, /address/:a/txs[/chain[/:last_seen]|/mempool], /tx/:id and /blocks/tip/height,
 * 25 transactions a page, newest first. `down` makes it answer 503 like an overloaded node.
 */
export class EsploraServer {
  private readonly txs = new Map<string, Stored>();
  private server: Server | undefined;
  tip = 0;
  down = false;
  url = '';

  /** Adds a transaction, confirmed at `height` (block time = height × 600 s after 2024-01-01) or in the mempool. */
  add(tx: Transaction, height?: number): void {
    this.txs.set(tx.getId(), { tx, ...(height !== undefined ? { height, time: 1_704_067_200 + height * 600 } : {}) });
    if (height !== undefined) this.tip = Math.max(this.tip, height);
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const answer = this.down ? { status: 503, body: 'overloaded' } : this.route(request.url ?? '/');
      response.writeHead(answer.status, {
        'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
      });
      response.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private route(url: string): { status: number; body: unknown } {
    const parts = url.split('?')[0]!.split('/').filter(Boolean);
    if (parts[0] === 'blocks' && parts[1] === 'tip' && parts[2] === 'height')
      return { status: 200, body: String(this.tip) };
    if (parts[0] === 'tx' && parts[1]) {
      const stored = this.txs.get(parts[1]);
      return stored ? { status: 200, body: this.json(stored) } : { status: 404, body: 'Transaction not found' };
    }
    if (parts[0] !== 'address' || !parts[1]) return { status: 404, body: 'not found' };
    const address = parts[1];
    try {
      btcAddress.toOutputScript(address, networks.bitcoin);
    } catch {
      return { status: 400, body: 'Invalid Bitcoin address' };
    }
    const mine = [...this.txs.values()].filter((s) => this.touches(s.tx, address));
    const confirmed = mine
      .filter((s) => s.height !== undefined)
      .sort((a, b) => b.height! - a.height! || (a.tx.getId() < b.tx.getId() ? -1 : 1));
    const mempool = mine.filter((s) => s.height === undefined);
    if (parts.length === 2)
      return {
        status: 200,
        body: { address, chain_stats: this.stats(confirmed, address), mempool_stats: this.stats(mempool, address) },
      };
    if (parts[2] === 'txs' && parts[3] === 'mempool') return { status: 200, body: mempool.map((s) => this.json(s)) };
    if (parts[2] === 'txs' && parts[3] === 'chain') {
      const start = parts[4] ? confirmed.findIndex((s) => s.tx.getId() === parts[4]) + 1 : 0;
      return { status: 200, body: confirmed.slice(start, start + 25).map((s) => this.json(s)) };
    }
    if (parts[2] === 'txs')
      return { status: 200, body: [...mempool, ...confirmed.slice(0, 25)].map((s) => this.json(s)) };
    return { status: 404, body: 'not found' };
  }

  private prevout(hash: Uint8Array, index: number): { script: Uint8Array; value: bigint } | undefined {
    const id = Buffer.from(hash).reverse().toString('hex');
    return this.txs.get(id)?.tx.outs[index];
  }

  private touches(tx: Transaction, address: string): boolean {
    return (
      tx.outs.some((o) => addressOf(o.script) === address) ||
      tx.ins.some((i) => {
        const prev = this.prevout(i.hash, i.index);
        return prev !== undefined && addressOf(prev.script) === address;
      })
    );
  }

  private stats(list: Stored[], address: string) {
    let funded = 0n;
    let spent = 0n;
    for (const { tx } of list) {
      for (const out of tx.outs) if (addressOf(out.script) === address) funded += out.value;
      for (const input of tx.ins) {
        const prev = this.prevout(input.hash, input.index);
        if (prev && addressOf(prev.script) === address) spent += prev.value;
      }
    }
    return {
      funded_txo_count: 0,
      funded_txo_sum: Number(funded),
      spent_txo_count: 0,
      spent_txo_sum: Number(spent),
      tx_count: list.length,
    };
  }

  private json({ tx, height, time }: Stored) {
    const coinbase = tx.isCoinbase();
    const vin = tx.ins.map((input) => {
      const prev = coinbase ? undefined : this.prevout(input.hash, input.index);
      return {
        txid: Buffer.from(input.hash).reverse().toString('hex'),
        vout: input.index,
        is_coinbase: coinbase,
        sequence: input.sequence,
        prevout: prev ? output(prev) : null,
        witness: input.witness.map((w) => Buffer.from(w).toString('hex')),
      };
    });
    const inSum = vin.reduce((sum, v) => sum + BigInt(v.prevout?.value ?? 0), 0n);
    const outSum = tx.outs.reduce((sum, o) => sum + o.value, 0n);
    return {
      txid: tx.getId(),
      version: tx.version,
      locktime: tx.locktime,
      vin,
      vout: tx.outs.map(output),
      size: tx.byteLength(),
      weight: tx.weight(),
      fee: coinbase ? 0 : Number(inSum - outSum),
      status:
        height === undefined
          ? { confirmed: false }
          : {
              confirmed: true,
              block_height: height,
              block_hash: height.toString(16).padStart(64, '0'),
              block_time: time,
            },
    };
  }
}

function addressOf(script: Uint8Array): string | undefined {
  try {
    return btcAddress.fromOutputScript(script, networks.bitcoin);
  } catch {
    return undefined;
  }
}

function output(out: { script: Uint8Array; value: bigint }) {
  const address = addressOf(out.script);
  return {
    scriptpubkey: Buffer.from(out.script).toString('hex'),
    scriptpubkey_type: 'v0_p2wpkh',
    ...(address ? { scriptpubkey_address: address } : {}),
    value: Number(out.value),
  };
}
