import type { Exchange, LedgerEntry, Trade, Transaction } from 'ccxt';
import { exchangeAsset, exchangeNamespace } from '../../assets/known-assets.ts';
import { assetId } from '../../assets/asset-ref.ts';
import type { BalanceItem, NormalizedTransaction } from '../../ledger/normalized.ts';
import type { SourceAdapter, TransactionBatch } from '../source.ts';
import { callExchange, openExchange, type ExchangeKey } from './ccxt-client.ts';
import { currencyHints } from './currency-hints.ts';
import type { ExchangeDefinition } from './exchange-definition.ts';
import { loadMarketsCached, tradedMarkets } from './exchange-markets.ts';
import { normalizeLedger, normalizeTrade, normalizeTransfer, units } from './exchange-normalize.ts';

export interface ExchangeSourceOptions {
  definition: ExchangeDefinition;
  key: ExchangeKey;
  apiUrl?: string;
  timeoutMs: number;
  /** Unix ms the history starts from on a first sync. */
  historyStart: number;
  now(): number;
  /** Real-time waits (rate limits); tests and the benchmark may watch them. */
  sleep?(ms: number): Promise<void>;
  onWait?(ms: number, reason: string): void;
}

/**
 * Where a sync stands, saved with each page. A pass reads every stream (deposits, withdrawals,
 * the ledger, the exchange's own histories, then trades, per market where the exchange wants
 * that) up to now; `queue` is what this pass has left, so a crash resumes mid-pass.
 */
interface Cursor {
  v: 1;
  /** Per stream: read from here (ms) next time. */
  since: Record<string, number>;
  /** Per stream, this pass: the earliest record still pending (read again until it settles). */
  pending: Record<string, number>;
  /** Per offset-paged stream: how many records this pass has read. */
  offset?: Record<string, number>;
  /** Per newest-first stream: the upper bound of the next (older) page of the current span. */
  upper?: Record<string, number>;
  queue: string[];
  /** Currency codes seen so far: the markets whose trades are read. */
  assets: string[];
}

/** A stream that reached now starts again this far back next time, for records the exchange posts late. */
const OVERLAP_MS = 24 * 3600_000;

function parseCursor(text: string | null): Cursor {
  if (text) {
    try {
      const cursor = JSON.parse(text) as Cursor;
      if (cursor.v === 1) return cursor;
    } catch {
      // An unreadable cursor (written by another version): the history is read again; upserts keep it whole.
    }
  }
  return { v: 1, since: {}, pending: {}, queue: [], assets: [] };
}

/**
 * An exchange read by API key through ccxt: balances first (they are what a person looks for
 * right after linking), then the history a page per step, each step one exchange call.
 */
export function exchangeSource(options: ExchangeSourceOptions): SourceAdapter & { balancesFirst: true } {
  const { definition } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let opened: Promise<Exchange> | undefined;
  const balanceAssets = new Set<string>();

  const exchange = () =>
    (opened ??= (async () => {
      const client = await openExchange(definition, options.key, options);
      await call(client, () => loadMarketsCached(client, options.apiUrl, options.now()));
      return client;
    })());
  const call = <T>(client: Exchange, action: () => Promise<T>) =>
    callExchange(client, definition.name, action, {
      sleep,
      ...(options.onWait ? { onWait: options.onWait } : {}),
      ...(definition.rateLimitCodes ? { rateLimitCodes: definition.rateLimitCodes } : {}),
      ...(definition.authErrorCodes ? { authErrorCodes: definition.authErrorCodes } : {}),
    });
  const historyStart = Math.max(options.historyStart, definition.launchedAt ?? 0);

  async function fetchBalances(): Promise<BalanceItem[]> {
    const client = await exchange();
    const totals = new Map<string, BalanceItem>();
    for (const params of [{}, ...(definition.extraWallets ?? [])]) {
      const balance = await call(client, () => client.fetchBalance(params));
      for (const [code, amount] of Object.entries((balance.total ?? {}) as unknown as Record<string, unknown>)) {
        const asset = exchangeAsset(definition.providerId, definition.balanceCurrency?.(code) ?? code);
        const quantity = units(amount, asset);
        if (!quantity) continue;
        balanceAssets.add(asset.symbol);
        const id = assetId(asset);
        totals.set(id, { asset, quantity: (totals.get(id)?.quantity ?? 0n) + quantity });
      }
    }
    return [...totals.values()];
  }

  function streams(): string[] {
    return [
      ...{ separate: ['deposits', 'withdrawals'], combined: ['transfers'], withdrawals: ['withdrawals'], none: [] }[
        definition.transfers ?? 'separate'
      ],
      ...(definition.ledger ? ['ledger'] : []),
      ...(definition.extraHistories ?? []).map((h) => `extra:${h.name}`),
      'trades',
    ];
  }

  async function step(
    client: Exchange,
    cursor: Cursor,
    stream: string,
  ): Promise<{ items: NormalizedTransaction[]; finished: boolean }> {
    const now = options.now();
    const since = cursor.since[stream] ?? historyStart;
    const limit = definition.pageLimit;
    const params = definition.historyParams ?? {};
    const [kind, name] = splitStream(stream);
    const windowMs =
      kind === 'deposits' || kind === 'withdrawals' || kind === 'transfers'
        ? definition.transferWindowMs
        : kind === 'trades'
          ? definition.tradeWindowMs
          : kind === 'extra'
            ? definition.extraHistories?.find((h) => h.name === name)?.windowMs
            : undefined;
    const until = windowMs ? Math.min(since + windowMs - 1, now) : undefined;
    // Newest first: after a full page, the same span's older part, up to just below that page.
    const family = kind === 'deposits' || kind === 'withdrawals' || kind === 'transfers' ? 'transfers' : kind;
    const newestFirst =
      definition.newestFirst === true ||
      (Array.isArray(definition.newestFirst) && definition.newestFirst.includes(family as 'transfers'));
    const upper = newestFirst ? cursor.upper?.[stream] : undefined;
    const bound = upper ?? until;
    const windowed = bound !== undefined ? { until: bound } : {};

    if (kind === 'trades' && definition.tradeOffsetParam) {
      // From the newest trade back: offsets move if a trade lands mid-pass, which only repeats rows.
      const offset = cursor.offset?.[stream] ?? 0;
      const page = await readPage(
        client,
        { kind, name, since, limit, params: { ...params, [definition.tradeOffsetParam]: offset } },
        now,
      );
      noteAssets(cursor, page.codes);
      if (page.count >= limit) {
        (cursor.offset ??= {})[stream] = offset + page.count;
        return { items: page.items, finished: false };
      }
      delete cursor.offset?.[stream];
      cursor.since[stream] = Math.max(since, now - OVERLAP_MS);
      return { items: page.items, finished: true };
    }
    const { items, count, times, pendingTimes, codes } = await readPage(
      client,
      { kind, name, since, limit, params: { ...params, ...(kind === 'ledger' ? {} : windowed) }, until },
      now,
    );
    noteAssets(cursor, codes);

    if (pendingTimes.length) cursor.pending[stream] = Math.min(cursor.pending[stream] ?? Infinity, ...pendingTimes);
    const latest = times.length ? Math.max(...times) : undefined;
    if (newestFirst) {
      const oldest = times.length ? Math.min(...times) : undefined;
      // No progress (an exchange that ignores `until` answered the same page): the span ends here.
      const moved = upper === undefined || (oldest !== undefined && oldest < upper);
      if (count >= limit && oldest !== undefined && oldest > since && moved) {
        // Inclusive: records sharing that millisecond are read again and absorbed by the upsert.
        (cursor.upper ??= {})[stream] = oldest;
        return { items, finished: false };
      }
      delete cursor.upper?.[stream];
    } else if (definition.pageUntilEmpty && count > 0 && latest !== undefined) {
      cursor.since[stream] = latest + 1;
      return { items, finished: false };
    } else if (count >= limit && latest !== undefined) {
      // A full page: the next one starts at its newest record (upserts absorb the repeat).
      cursor.since[stream] = latest > since ? latest : since + 1;
      return { items, finished: false };
    }
    if (until !== undefined && until < now) {
      cursor.since[stream] = until + 1;
      return { items, finished: false };
    }
    const floor = cursor.pending[stream];
    delete cursor.pending[stream];
    cursor.since[stream] = Math.min(floor ?? Infinity, Math.max(since, now - OVERLAP_MS));
    return { items, finished: true };
  }

  /** One call of one stream, normalized; `count` is the raw records the exchange answered. */
  async function readPage(
    client: Exchange,
    request: {
      kind: string;
      name: string | undefined;
      since: number;
      limit: number;
      params: Record<string, unknown>;
      until?: number;
    },
    now: number,
  ): Promise<{
    items: NormalizedTransaction[];
    count: number;
    times: number[];
    pendingTimes: number[];
    codes: Array<string | undefined>;
  }> {
    const { kind, name, since, limit, params } = request;
    if (kind === 'deposits' || kind === 'withdrawals' || kind === 'transfers') {
      const list: Transaction[] = await call(client, () =>
        kind === 'deposits'
          ? client.fetchDeposits(undefined, since, limit, params)
          : kind === 'withdrawals'
            ? client.fetchWithdrawals(undefined, since, limit, params)
            : client.fetchDepositsWithdrawals(undefined, since, limit, params),
      );
      return {
        items: list.flatMap((t) => normalizeTransfer(definition, t) ?? []),
        count: list.length,
        times: list.flatMap((t) => t.timestamp ?? []),
        pendingTimes: list.filter((t) => /^pending$/i.test(t.status ?? '')).flatMap((t) => t.timestamp ?? []),
        codes: list.map((t) => t.currency),
      };
    }
    if (kind === 'ledger') {
      const entries: LedgerEntry[] = await call(client, () => client.fetchLedger(undefined, since, limit, params));
      return {
        items: normalizeLedger(definition, entries),
        count: entries.length,
        times: entries.flatMap((e) => e.timestamp ?? []),
        pendingTimes: [],
        codes: entries.map((e) => e.currency),
      };
    }
    if (kind === 'extra') {
      const history = definition.extraHistories?.find((h) => h.name === name);
      const items = history ? await call(client, () => history.fetch(client, since, request.until ?? now)) : [];
      return {
        items,
        count: 0, // an extra history answers its whole window at once
        times: items.map((tx) => tx.timestamp),
        pendingTimes: [],
        codes: items.flatMap((tx) => [...tx.inputs, ...tx.outputs].map((leg) => leg.asset.symbol)),
      };
    }
    const trades: Trade[] = await call(client, () => client.fetchMyTrades(name, since, limit, params));
    return {
      items: trades.flatMap((t) => normalizeTrade(definition, t) ?? []),
      count: trades.length,
      times: trades.flatMap((t) => t.timestamp ?? []),
      pendingTimes: [],
      codes: trades.flatMap((t) => (t.symbol ?? '').split(/[/:]/)),
    };
  }

  return {
    balancesFirst: true,
    async validate() {
      await exchange();
    },
    fetchBalances,
    async fetchTransactions(text): Promise<TransactionBatch> {
      const client = await exchange();
      const cursor = parseCursor(text);
      if (cursor.queue.length === 0) cursor.queue = streams();
      const stream = cursor.queue[0]!;
      if (stream === 'trades' && definition.tradesPerMarket) {
        if (balanceAssets.size === 0) await fetchBalances();
        const markets = tradedMarkets(client, new Set([...cursor.assets, ...balanceAssets]));
        cursor.queue.splice(0, 1, ...markets.map((m) => `trades:${m}`));
        return { items: [], nextCursor: JSON.stringify(cursor), done: cursor.queue.length === 0 };
      }
      const { items, finished } = await step(client, cursor, stream);
      if (finished) cursor.queue.shift();
      return { items, nextCursor: JSON.stringify(cursor), done: cursor.queue.length === 0 };
    },
    async assetHints() {
      // Loaded with the markets (no extra call): names and per-network contracts, where the exchange lists them.
      const client = await exchange();
      return { namespace: exchangeNamespace(definition.providerId), currencies: currencyHints(client.currencies) };
    },
  };
}

function splitStream(stream: string): [string, string | undefined] {
  const at = stream.indexOf(':');
  return at < 0 ? [stream, undefined] : [stream.slice(0, at), stream.slice(at + 1)];
}

function noteAssets(cursor: Cursor, codes: Array<string | undefined>): void {
  const known = new Set(cursor.assets);
  for (const code of codes) if (code && !known.has(code)) known.add(code);
  cursor.assets = [...known];
}
