import { SourceError } from '../../../errors.ts';
import type { EvmIndexer } from '../../../settings.ts';
import { realSleep, takeSlot, type Sleep } from './rate-gate.ts';

/** The three lists of Etherscan's account module that make an address's history. */
export type AccountList = 'txlist' | 'txlistinternal' | 'tokentx';

export interface AccountQuery {
  action: AccountList;
  address: string;
  startBlock: number;
  endBlock: number;
  page: number;
  /** Records per page; page × offset must stay within Etherscan's 10,000-record window. */
  offset: number;
  sort: 'asc' | 'desc';
}

export interface AccountApiOptions {
  indexer: EvmIndexer;
  timeoutMs: number;
  sleep?: Sleep;
  /** Called before each wait a rate-limit answer caused (tests and the benchmark watch it). */
  onRateLimited?(waitMs: number): void;
}

export const RESULT_WINDOW = 10_000;
const MAX_ATTEMPTS = 6;
const MAX_RETRY_AFTER_MS = 30_000;

/**
 * An Etherscan-compatible account API (Etherscan v2, Blockscout, Routescan): `{status, message,
 * result}` answers, "No transactions found" as status 0 with an empty result, rate limits as
 * status 0 "Max rate limit reached" (HTTP 200) or HTTP 429; each call waits for its slot first.
 * Every failure is SourceError('unavailable') with the indexer's own words.
 */
export class AccountApi {
  /** The indexer's host, as errors name it. */
  readonly host: string;
  private readonly gate: string;
  private readonly sleep: Sleep;

  constructor(private readonly options: AccountApiOptions) {
    const url = new URL(options.indexer.url);
    this.host = url.host;
    this.gate = `${url.origin}${url.pathname} ${options.indexer.apiKey ?? ''}`;
    this.sleep = options.sleep ?? realSleep;
  }

  /** One page of one list, as the indexer's raw records. */
  async list(query: AccountQuery): Promise<unknown[]> {
    const url = this.url(query);
    const { callsPerSecond } = this.options.indexer;
    for (let attempt = 1; ; attempt++) {
      await takeSlot(this.gate, callsPerSecond, this.sleep);
      const answer = await this.call(url);
      if (answer.kind === 'records') return answer.records;
      if (attempt >= MAX_ATTEMPTS)
        throw new SourceError('unavailable', `the indexer ${this.host} kept answering "${answer.text}"`);
      const wait = answer.retryAfterMs ?? (1100 / callsPerSecond) * 2 ** attempt;
      this.options.onRateLimited?.(wait);
      await this.sleep(wait);
    }
  }

  private url(query: AccountQuery): URL {
    const url = new URL(this.options.indexer.url);
    const params: Record<string, string> = {
      module: 'account',
      action: query.action,
      address: query.address.toLowerCase(),
      startblock: String(query.startBlock),
      endblock: String(query.endBlock),
      page: String(query.page),
      offset: String(query.offset),
      sort: query.sort,
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    if (this.options.indexer.apiKey) url.searchParams.set('apikey', this.options.indexer.apiKey);
    return url;
  }

  private async call(
    url: URL,
  ): Promise<{ kind: 'records'; records: unknown[] } | { kind: 'limited'; text: string; retryAfterMs?: number }> {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? 'did not answer in time' : 'is unreachable';
      throw new SourceError('unavailable', `the indexer ${this.host} ${reason}`);
    }
    const text = await response.text().catch(() => '');
    if (response.status === 429) {
      const seconds = Number(response.headers.get('retry-after'));
      return {
        kind: 'limited',
        text: 'HTTP 429',
        ...(seconds > 0 ? { retryAfterMs: Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) } : {}),
      };
    }
    if (!response.ok) throw new SourceError('unavailable', `the indexer ${this.host} answered HTTP ${response.status}`);
    let body: { status?: unknown; message?: unknown; result?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new SourceError('unavailable', `the indexer ${this.host} answered something that is not JSON`);
    }
    if (body.status === '1' && Array.isArray(body.result)) return { kind: 'records', records: body.result };
    // "No transactions found" (Blockscout: "No token transfers found", …) is an empty list, not a failure.
    if (body.status === '0' && Array.isArray(body.result) && body.result.length === 0)
      return { kind: 'records', records: [] };
    const said = typeof body.result === 'string' && body.result ? body.result : String(body.message ?? 'no message');
    if (/rate limit/i.test(said)) return { kind: 'limited', text: said };
    throw new SourceError('unavailable', `the indexer ${this.host} refused the request: ${said}`);
  }
}
