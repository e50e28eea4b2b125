import type { Credentials } from '../../connections/connection.ts';
import { SourceError } from '../../errors.ts';
import type { PortfolioSettings } from '../../settings.ts';
import type { SourceKind } from '../source-kind.ts';
import { exchangeSource } from './exchange-source.ts';
import { oauthClientFor, oauthEndpoints } from './oauth/oauth-exchange.ts';
import { oauthExchange } from './oauth/oauth-exchanges.ts';
import { oauthSource } from './oauth/oauth-source.ts';
import { EXCHANGES, exchangeDefinition } from './exchanges/index.ts';
import { verifyExchangeKey } from './verify-key.ts';

/** Exchanges read through ccxt: by read-only API key, and by the exchange's own OAuth where configured. */
export const exchangeKind: SourceKind = {
  kind: 'exchange',
  providers: (settings) =>
    EXCHANGES.map((definition) => ({
      providerId: definition.providerId,
      name: definition.name,
      category: 'exchange',
      authTypes: settings.exchangeOAuthClients[definition.providerId] ? ['oauth2', 'api_key'] : ['api_key'],
      logoUrl: `/portfolio/logos/${definition.providerId}.svg`,
      apiKey: { passphrase: definition.passphrase, help: definition.keyHelp },
      source: { kind: 'exchange' },
    })),
  async verifyCredentials(provider, credentials, { settings, now }) {
    const definition = exchangeDefinition(provider.providerId);
    if (!definition || credentials.type !== 'api_key') return;
    await verifyExchangeKey(
      definition,
      {
        apiKey: credentials.api_key,
        secret: credentials.secret_key,
        ...(credentials.passphrase ? { password: credentials.passphrase } : {}),
      },
      {
        ...(settings.exchangeApiUrls[definition.providerId]
          ? { apiUrl: settings.exchangeApiUrls[definition.providerId] }
          : {}),
        timeoutMs: settings.sourceTimeoutMs,
        allowTradingKeys: settings.allowTradingKeys,
        now: now(),
      },
    );
  },
  async open(provider, credentials, { settings, now, saveCredentials }) {
    if (credentials.type === 'oauth2')
      return openOAuth(provider.providerId, credentials, settings, now, saveCredentials);
    const definition = exchangeDefinition(provider.providerId);
    if (!definition) throw new SourceError('invalid', `exchange ${provider.providerId} is not in this build`);
    if (credentials.type !== 'api_key')
      throw new SourceError('invalid', `${definition.name} cannot read ${credentials.type} connections`);
    const apiUrl = settings.exchangeApiUrls[definition.providerId];
    return exchangeSource({
      definition,
      key: {
        apiKey: credentials.api_key,
        secret: credentials.secret_key,
        ...(credentials.passphrase ? { password: credentials.passphrase } : {}),
      },
      ...(apiUrl ? { apiUrl } : {}),
      timeoutMs: settings.sourceTimeoutMs,
      historyStart: settings.exchangeHistoryStart,
      now,
    });
  },
};

/** An account linked by the exchange's OAuth: read with its tokens, refreshed (and saved) as they expire. */
function openOAuth(
  providerId: string,
  credentials: Extract<Credentials, { type: 'oauth2' }>,
  settings: PortfolioSettings,
  now: () => number,
  saveCredentials: ((c: Credentials) => Promise<void>) | undefined,
) {
  const exchange = oauthExchange(providerId);
  if (!exchange) throw new SourceError('invalid', `${providerId} does not link through OAuth`);
  const client = oauthClientFor(exchange, settings, now);
  if (!client)
    throw new SourceError('invalid', `${exchange.name} OAuth is no longer configured here (COINBASE_OAUTH_CLIENT_ID)`);
  if (!credentials.access_token)
    throw new SourceError('auth', `the ${exchange.name} link was never finished; link ${exchange.name} again`);
  return oauthSource({
    exchange,
    apiUrl: oauthEndpoints(exchange, settings).api,
    client,
    tokens: {
      access_token: credentials.access_token,
      ...(credentials.refresh_token ? { refresh_token: credentials.refresh_token } : {}),
      ...(credentials.expires_at !== undefined ? { expires_at: credentials.expires_at } : {}),
    },
    saveTokens: async (tokens) => {
      await saveCredentials?.({ type: 'oauth2', ...tokens });
    },
    timeoutMs: settings.sourceTimeoutMs,
    now,
  });
}
