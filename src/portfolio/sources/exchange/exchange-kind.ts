import { SourceError } from '../../errors.ts';
import type { SourceKind } from '../source-kind.ts';
import { exchangeSource } from './exchange-source.ts';
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
  open(provider, credentials, { settings, now }) {
    const definition = exchangeDefinition(provider.providerId);
    if (!definition) throw new SourceError('invalid', `exchange ${provider.providerId} is not in this build`);
    if (credentials.type !== 'api_key')
      throw new SourceError('invalid', `${definition.name} cannot read ${credentials.type} connections yet`);
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
