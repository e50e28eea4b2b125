import type { ExchangeDefinition } from '../exchange-definition.ts';

/** Every exchange linked by API key, in catalogue order. A new exchange is its file plus one line here. */
export const EXCHANGES: ExchangeDefinition[] = [];

export function exchangeDefinition(providerId: string): ExchangeDefinition | undefined {
  return EXCHANGES.find((e) => e.providerId === providerId);
}
