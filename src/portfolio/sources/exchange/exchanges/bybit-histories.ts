/**
 * Bybit histories the unified ccxt calls miss: Earn yields (Flexible Savings interest, On-chain
 * Earn staking rewards) and Convert trades. Both are read with ccxt's implicit v5 methods.
 */
import type { bybit as BybitExchange, Exchange } from 'ccxt';
import { exchangeAsset } from '../../../assets/known-assets.ts';
import type { NormalizedLeg, NormalizedTransaction } from '../../../ledger/normalized.ts';
import { parseUnits } from '../../../money/amounts.ts';
import type { ExtraHistory } from '../exchange-definition.ts';

const DAY = 86_400_000;

type Row = Record<string, unknown>;

function leg(coin: unknown, amount: unknown): NormalizedLeg | undefined {
  if (typeof coin !== 'string' || typeof amount !== 'string') return undefined;
  const asset = exchangeAsset('bybit', coin);
  const quantity = parseUnits(amount, asset.decimals);
  return quantity !== undefined && quantity > 0n ? { asset, quantity } : undefined;
}

function resultOf(response: Row): Row {
  return (response['result'] ?? {}) as Row;
}

/** Bybit's yield status: Success is paid, Pending is on its way, Fail never happened. */
const YIELD_STATUS: Record<string, NormalizedTransaction['status'] | undefined> = {
  Success: 'confirmed',
  Pending: 'pending',
};

/** One Earn category's yields: `/v5/earn/yield`, at most 7 days a request, cursor pages of 100. */
function earnYields(category: 'FlexibleSaving' | 'OnChain'): ExtraHistory {
  return {
    name: category === 'OnChain' ? 'earn-onchain' : 'earn-flexible',
    windowMs: 7 * DAY,
    async fetch(exchange: Exchange, since: number, until: number): Promise<NormalizedTransaction[]> {
      const found: NormalizedTransaction[] = [];
      let cursor: string | undefined;
      do {
        const request: Row = { category, startTime: since, endTime: until, limit: 100 };
        if (cursor) request['cursor'] = cursor;
        const result = resultOf(await (exchange as BybitExchange).privateGetV5EarnYield(request));
        // The documentation names the list both `yield` and `list`; the live API answers `yield`.
        const rows = (result['yield'] ?? result['list'] ?? []) as Row[];
        for (const row of rows) {
          const tx = yieldTransaction(category, row);
          if (tx) found.push(tx);
        }
        cursor = typeof result['nextPageCursor'] === 'string' && rows.length > 0 ? result['nextPageCursor'] : '';
      } while (cursor);
      return found;
    },
  };
}

export function yieldTransaction(category: string, row: Row): NormalizedTransaction | undefined {
  const status = YIELD_STATUS[String(row['status'])];
  const input = leg(row['coin'], row['amount']);
  if (!status || !input) return undefined;
  return {
    externalId: `${category === 'OnChain' ? 'earn-onchain' : 'earn-flexible'}:${String(row['id'])}`,
    timestamp: Number(row['createdAt']),
    status,
    category: category === 'OnChain' ? 'staking_reward' : 'interest',
    categorizationSource: 'provider',
    inputs: [input],
    outputs: [],
    fees: [],
  };
}

const CONVERT_STATUS: Record<string, NormalizedTransaction['status'] | undefined> = {
  success: 'confirmed',
  processing: 'pending',
  init: 'pending',
};

/**
 * Convert trades: `/v5/asset/exchange/query-convert-history` has no time filter, only pages
 * (`index`, newest first), so pages are read until one is short or older than `since`.
 */
const converts: ExtraHistory = {
  name: 'convert',
  async fetch(exchange: Exchange, since: number, until: number): Promise<NormalizedTransaction[]> {
    const limit = 100;
    const found: NormalizedTransaction[] = [];
    for (let index = 1; ; index++) {
      const result = resultOf(
        await (exchange as BybitExchange).privateGetV5AssetExchangeQueryConvertHistory({ index, limit }),
      );
      const rows = (result['list'] ?? []) as Row[];
      for (const row of rows) {
        const tx = convertTransaction(row);
        if (tx && tx.timestamp >= since && tx.timestamp <= until) found.push(tx);
      }
      const oldest = Number(rows.at(-1)?.['createdAt'] ?? 0);
      if (rows.length < limit || oldest < since) return found;
    }
  },
};

export function convertTransaction(row: Row): NormalizedTransaction | undefined {
  const status = CONVERT_STATUS[String(row['exchangeStatus'])];
  const paid = leg(row['fromCoin'], row['fromAmount']);
  const received = leg(row['toCoin'], row['toAmount']);
  if (!status || !paid || !received) return undefined;
  return {
    externalId: `convert:${String(row['exchangeTxId'])}`,
    timestamp: Number(row['createdAt']),
    status,
    category: 'trade',
    categorizationSource: 'provider',
    inputs: [received],
    outputs: [paid],
    fees: [],
  };
}

export const bybitHistories: ExtraHistory[] = [earnYields('FlexibleSaving'), earnYields('OnChain'), converts];
