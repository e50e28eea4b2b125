import type { ExchangeDefinition } from '../exchange-definition.ts';
import { binance } from './binance.ts';
import { bitstamp } from './bitstamp.ts';
import { bybit } from './bybit.ts';
import { coinbase } from './coinbase.ts';
import { gemini } from './gemini.ts';
import { kraken } from './kraken.ts';
import { kucoin } from './kucoin.ts';
import { okx } from './okx.ts';

/** Every exchange linked by API key, in catalogue order. A new exchange is its file plus one line here. */
export const EXCHANGES: ExchangeDefinition[] = [binance, coinbase, kraken, okx, bybit, kucoin, gemini, bitstamp];

export function exchangeDefinition(providerId: string): ExchangeDefinition | undefined {
  return EXCHANGES.find((e) => e.providerId === providerId);
}
