import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { AnvilIndex, type AnvilIndexLists, type IndexedEntry } from './anvil-index.ts';

type Action = keyof AnvilIndexLists;
type Answer = { status: number; body: unknown };

const WINDOW = 10_000;
const notOk = (result: string): Answer => ({ status: 200, body: { status: '0', message: 'NOTOK', result } });

/**
 * An Etherscan-compatible account API (`/v2/api`, as Etherscan API v2 serves it) over a real
 * anvil node's blocks, receipts and traces: txlist, txlistinternal and tokentx with their
 * `startblock`/`endblock`/`page`/`offset`/`sort` rules and 10,000-record window, `chainid` and
 * `apikey` checks, "No transactions found" as status 0 with an empty result, and the
 * rate-limit answer. Switches make it misbehave the ways real indexers do.
 */
export class EtherscanServer {
  url = '';
  /** Answers HTTP 503, as an overloaded explorer does. */
  down = false;
  /** Answers the next this-many calls with the rate-limit answer. */
  rateLimitNext = 0;
  /** Calls per second allowed (a sliding one-second window); past it, the rate-limit answer. */
  callsPerSecond = Infinity;
  /** Added before every answer, as the round trip to a real explorer takes. */
  latencyMs = 0;
  /** Milliseconds spent choosing and serializing records (the added latency and catching up with the chain left out). */
  answerMs = 0;
  /** Lists one made-up record this many blocks past the chain head (an indexer ahead of, or lying about, the chain). */
  lieAheadBy = 0;
  /** Lists that answer HTTP 503 while the others work. */
  readonly failing = new Set<Action>();
  /** Every call's query, in order, and how many got the rate-limit answer. */
  readonly calls: URLSearchParams[] = [];
  rateLimited = 0;
  private readonly recent: number[] = [];
  private readonly index: AnvilIndex;
  private server: Server | undefined;

  constructor(
    rpcUrl: string,
    fromBlock: number,
    private readonly auth: { chainId: number; apiKey: string },
  ) {
    this.index = new AnvilIndex(rpcUrl, fromBlock);
  }

  /** Indexes the chain up to its head now (otherwise the first call after new blocks does). */
  async catchUp(): Promise<number> {
    return this.index.catchUp();
  }

  /** The records one list holds for `address` (lowercase), as indexed so far. */
  recordsOf(action: Action, address: string): IndexedEntry[] {
    return this.index.recordsOf(action, address);
  }

  /** The calls of one list (e.g. to check the paging a client did). */
  callsOf(action: Action): URLSearchParams[] {
    return this.calls.filter((q) => q.get('action') === action);
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const answered = this.answer(new URL(request.url ?? '/', 'http://x'));
      const late = this.latencyMs > 0 ? answered.then((a) => sleep(this.latencyMs).then(() => a)) : answered;
      void late.then(
        (answer) => {
          const started = performance.now();
          const json = typeof answer.body !== 'string';
          const text = json ? JSON.stringify(answer.body) : (answer.body as string);
          this.answerMs += performance.now() - started;
          response.writeHead(answer.status, { 'content-type': json ? 'application/json' : 'text/html' });
          response.end(text);
        },
        (error: Error) => response.writeHead(500).end(error.message),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v2/api`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async answer(url: URL): Promise<Answer> {
    if (url.pathname !== '/v2/api') return { status: 404, body: '<html>Not Found</html>' };
    const q = url.searchParams;
    this.calls.push(q);
    if (this.down) return { status: 503, body: '<html><body>503 Service Temporarily Unavailable</body></html>' };
    if (this.limited()) {
      this.rateLimited++;
      return notOk('Max rate limit reached');
    }
    if (!q.get('apikey') || q.get('apikey') !== this.auth.apiKey) return notOk('Missing/Invalid API Key');
    if (q.get('chainid') !== String(this.auth.chainId))
      return notOk(
        'Missing or unsupported chainid parameter (required for v2 api), please see https://api.etherscan.io/v2/chainlist for the list of supported chainids',
      );
    if (q.get('module') !== 'account') return notOk('Error! Missing Or invalid Module name');
    const action = q.get('action') as Action;
    if (!['txlist', 'txlistinternal', 'tokentx'].includes(action))
      return notOk('Error! Missing Or invalid Action name');
    if (this.failing.has(action)) return { status: 503, body: '<html>503 Service Temporarily Unavailable</html>' };
    const address = (q.get('address') ?? '').toLowerCase();
    if (!/^0x[0-9a-f]{40}$/.test(address)) return notOk('Error! Invalid address format');
    const page = Number(q.get('page') ?? '1');
    const offset = Number(q.get('offset') ?? String(WINDOW));
    if (!(page >= 1 && offset >= 1)) return notOk('Error! Invalid page or offset');
    if (page * offset > WINDOW)
      return notOk('Result window is too large, PageNo x Offset size must be less than or equal to 10000');
    const head = await this.index.catchUp();
    const started = performance.now();
    const start = Number(q.get('startblock') ?? '0');
    const end = Math.min(Number(q.get('endblock') ?? '99999999'), head);
    let found = this.index.recordsOf(action, address).filter((e) => e.block >= start && e.block <= end);
    if (this.lieAheadBy > 0) found = [...found, this.madeUp(action, address, head + this.lieAheadBy)];
    found.sort(byPosition);
    if (q.get('sort') === 'desc') found.reverse();
    const records = found.slice((page - 1) * offset, page * offset).map((e) => e.record);
    this.answerMs += performance.now() - started;
    if (records.length === 0)
      return { status: 200, body: { status: '0', message: 'No transactions found', result: [] } };
    return { status: 200, body: { status: '1', message: 'OK', result: records } };
  }

  private limited(): boolean {
    if (this.rateLimitNext > 0) {
      this.rateLimitNext--;
      return true;
    }
    const now = Date.now();
    while (this.recent.length && this.recent[0]! <= now - 1000) this.recent.shift();
    if (this.recent.length >= this.callsPerSecond) return true;
    this.recent.push(now);
    return false;
  }

  private madeUp(action: Action, address: string, block: number): IndexedEntry {
    const stranger = `0x${randomBytes(20).toString('hex')}`;
    const record: Record<string, string> = {
      blockNumber: String(block),
      timeStamp: String(Math.floor(Date.now() / 1000)),
      hash: `0x${randomBytes(32).toString('hex')}`,
      from: stranger,
      to: address,
      value: '1000000000000000000',
      isError: '0',
      gas: '21000',
      gasPrice: '1',
      gasUsed: '21000',
      input: '0x',
      contractAddress: action === 'tokentx' ? `0x${randomBytes(20).toString('hex')}` : '',
      ...(action === 'tokentx' ? { tokenName: 'Fake', tokenSymbol: 'FAKE', tokenDecimal: '18' } : {}),
    };
    return { block, order: [0, 0], parties: [address], record };
  }
}

function byPosition(a: IndexedEntry, b: IndexedEntry): number {
  return a.block - b.block || a.order[0] - b.order[0] || a.order[1] - b.order[1];
}
