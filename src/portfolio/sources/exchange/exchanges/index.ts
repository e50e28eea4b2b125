import type { ExchangeDefinition } from '../exchange-definition.ts';
import { kucoin } from './kucoin.ts';
import { okx } from './okx.ts';

/** Every exchange linked by API key, in catalogue order. A new exchange is its file plus one line here. */
export const EXCHANGES: ExchangeDefinition[] = [okx, kucoin];

export function exchangeDefinition(providerId: string): ExchangeDefinition | undefined {
  return EXCHANGES.find((e) => e.providerId === providerId);
}
