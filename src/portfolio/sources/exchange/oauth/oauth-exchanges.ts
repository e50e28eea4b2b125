import { coinbaseOAuth } from './coinbase-oauth.ts';
import type { OAuthExchange } from './oauth-exchange.ts';

/** Every exchange that can link through its own OAuth. A second one is its definition plus one line here. */
export const OAUTH_EXCHANGES: OAuthExchange[] = [coinbaseOAuth];

export function oauthExchange(providerId: string): OAuthExchange | undefined {
  return OAUTH_EXCHANGES.find((e) => e.providerId === providerId);
}
