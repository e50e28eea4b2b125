import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const DAY = 86_400_000;
const JAN_1_2024 = Date.UTC(2024, 0, 1);

/**
 * A CoinGecko-compatible price server (the public API's wire format: JSON numbers, ms
 * timestamps in market_chart). Current prices are fixed; history is one point a day at 00:00
 * UTC, worth `base + days since 2024-01-01`. Every request is recorded.
 */
export class CoinGeckoServer {
  readonly requests: Array<{ path: string; query: URLSearchParams; apiKey: string | undefined }> = [];
  readonly current: Record<string, number> = { bitcoin: 65000.25, ethereum: 3000.5, 'usd-coin': 1 };
  readonly historyBase: Record<string, number> = { bitcoin: 40000, ethereum: 2000 };
  down = false;
  url = '';
  private server: Server | undefined;

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const { status, body } = this.down
        ? { status: 429, body: { status: { error_code: 429, error_message: 'rate limited' } } }
        : this.route(request);
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v3`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The history price of `coin` at a day's 00:00 UTC. */
  historyPrice(coin: string, day: number): number {
    return this.historyBase[coin]! + (day - JAN_1_2024) / DAY;
  }

  private route(request: IncomingMessage): { status: number; body: unknown } {
    const url = new URL(request.url ?? '/', 'http://x');
    const path = url.pathname.replace(/^\/api\/v3/, '');
    this.requests.push({
      path,
      query: url.searchParams,
      apiKey: request.headers['x-cg-demo-api-key'] as string | undefined,
    });
    const vs = (url.searchParams.get('vs_currencies') ?? url.searchParams.get('vs_currency') ?? '').toLowerCase();
    if (path === '/simple/price') {
      const ids = (url.searchParams.get('ids') ?? '').split(',');
      return {
        status: 200,
        body: Object.fromEntries(ids.filter((id) => id in this.current).map((id) => [id, { [vs]: this.current[id] }])),
      };
    }
    const chart = /^\/coins\/([^/]+)\/market_chart\/range$/.exec(path);
    if (chart) {
      const coin = chart[1]!;
      if (!(coin in this.historyBase)) return { status: 404, body: { error: 'coin not found' } };
      const from = Number(url.searchParams.get('from')) * 1000;
      const to = Number(url.searchParams.get('to')) * 1000;
      const prices: Array<[number, number]> = [];
      for (let day = Math.ceil(from / DAY) * DAY; day <= to; day += DAY)
        prices.push([day, this.historyPrice(coin, day)]);
      return { status: 200, body: { prices, market_caps: [], total_volumes: [] } };
    }
    return { status: 404, body: { error: 'Not Found' } };
  }
}
