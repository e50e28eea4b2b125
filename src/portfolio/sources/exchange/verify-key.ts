import { ApiError, SourceError } from '../../errors.ts';
import { callExchange, openExchange, type ExchangeKey } from './ccxt-client.ts';
import type { ExchangeDefinition, KeyPermissions } from './exchange-definition.ts';
import { loadMarketsCached } from './exchange-markets.ts';

/** The longest rate-limit wait a link request sits through; a longer one answers 503. */
const LINK_MAX_WAIT_MS = 5000;

/**
 * A key about to be linked: it must sign and read (one balance call), and where the exchange
 * reports permissions, it must not trade or withdraw unless the deployment allows that.
 * @throws ApiError 400 provider_auth_failed (refused key), 400 bad_request (trading key), 503 (exchange down)
 */
export async function verifyExchangeKey(
  definition: ExchangeDefinition,
  key: ExchangeKey,
  options: { apiUrl?: string; timeoutMs: number; allowTradingKeys: boolean; now: number },
): Promise<void> {
  const id = definition.providerId;
  const sleep = async (ms: number) => {
    if (ms > LINK_MAX_WAIT_MS)
      throw new SourceError('unavailable', `${definition.name} is rate limiting; try again shortly`);
    await new Promise((resolve) => setTimeout(resolve, ms));
  };
  try {
    const client = await openExchange(definition, key, options);
    const call = <T>(action: () => Promise<T>) =>
      callExchange(client, definition.name, action, {
        sleep,
        ...(definition.rateLimitCodes ? { rateLimitCodes: definition.rateLimitCodes } : {}),
        ...(definition.authErrorCodes ? { authErrorCodes: definition.authErrorCodes } : {}),
      });
    await call(() => loadMarketsCached(client, options.apiUrl, options.now));
    try {
      await call(() => client.fetchBalance());
    } catch (error) {
      if (error instanceof SourceError) throw error;
      // ccxt could not even sign the request: the secret is not of the form this exchange issues.
      throw new ApiError(
        400,
        'provider_auth_failed',
        `this ${definition.name} secret key cannot sign requests (${error instanceof Error ? error.message.slice(0, 120) : 'malformed'}); paste the secret exactly as ${definition.name} showed it`,
        id,
      );
    }
    if (options.allowTradingKeys || !definition.permissions) return;
    const permissions = await call(() => definition.permissions!(client));
    if (permissions && (permissions.canTrade || permissions.canWithdraw))
      throw new ApiError(
        400,
        'bad_request',
        `this ${definition.name} key ${powers(permissions)}; Consentry only reads, so it accepts read-only keys. ${definition.keyHelp.join(' ')}`,
        id,
      );
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof SourceError && error.kind === 'auth')
      throw new ApiError(400, 'provider_auth_failed', error.message, id);
    if (error instanceof SourceError && error.kind === 'invalid')
      throw new ApiError(400, 'bad_request', error.message, id);
    throw new ApiError(
      503,
      'provider_unavailable',
      error instanceof SourceError ? error.message : `${definition.name} could not be reached; try again shortly`,
      id,
    );
  }
}

function powers(permissions: KeyPermissions): string {
  if (permissions.canTrade && permissions.canWithdraw) return 'can trade and withdraw';
  return permissions.canTrade ? 'can trade' : 'can withdraw';
}
