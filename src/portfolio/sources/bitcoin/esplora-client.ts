import { SourceError } from '../../errors.ts';

export interface EsploraStats {
  funded_txo_sum: number;
  spent_txo_sum: number;
  tx_count: number;
}

export interface EsploraAddress {
  chain_stats: EsploraStats;
  mempool_stats: EsploraStats;
}

export interface EsploraOutput {
  scriptpubkey_address?: string;
  value: number;
}

export interface EsploraTx {
  txid: string;
  vin: Array<{ txid: string; vout: number; is_coinbase: boolean; prevout: EsploraOutput | null }>;
  vout: EsploraOutput[];
  fee: number;
  status: { confirmed: boolean; block_height?: number; block_time?: number };
}

/**
 * The Esplora HTTP API (Blockstream's, mempool.space's, or a self-hosted electrs):
 * `/address/:a`, `/address/:a/txs/chain[/:last_seen_txid]` (25 a page, newest first),
 * `/address/:a/txs/mempool` and `/blocks/tip/height`.
 */
export class EsploraClient {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
    private readonly doFetch: typeof fetch = fetch,
  ) {}

  address(address: string): Promise<EsploraAddress> {
    return this.json(`/address/${address}`);
  }

  chainTxs(address: string, lastSeen?: string): Promise<EsploraTx[]> {
    return this.json(`/address/${address}/txs/chain${lastSeen ? `/${lastSeen}` : ''}`);
  }

  mempoolTxs(address: string): Promise<EsploraTx[]> {
    return this.json(`/address/${address}/txs/mempool`);
  }

  async tipHeight(): Promise<number> {
    const text = await this.text('/blocks/tip/height');
    const height = Number(text);
    if (!Number.isInteger(height))
      throw new SourceError('unavailable', `Esplora answered a strange tip height: ${text.slice(0, 40)}`);
    return height;
  }

  private async json<T>(path: string): Promise<T> {
    return JSON.parse(await this.text(path)) as T;
  }

  private async text(path: string): Promise<string> {
    let response: Response;
    try {
      response = await this.doFetch(this.baseUrl + path, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new SourceError('unavailable', `Esplora is unreachable: ${(error as Error).message}`);
    }
    const body = await response.text();
    if (response.status === 400)
      throw new SourceError(
        'invalid',
        `Esplora refused ${path.split('/').slice(0, 3).join('/')}: ${body.slice(0, 200)}`,
      );
    if (!response.ok) throw new SourceError('unavailable', `Esplora answered ${response.status}`);
    return body;
  }
}
