import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient } from '../../helpers/clients.ts';
import { startServerWithMail, type SmtpCapture } from '../../helpers/oauth-server.ts';
import type { TestServer } from '../../helpers/server.ts';
import { personWithToken, type Json, type PlatformClient } from '../support/platform-client.ts';
import type { ExchangeStandIn } from './support/exchange-stand-in.ts';
import { startOkxStandIn } from './support/okx-stand-in.ts';
import { sampleAccount, sampleHistoryStart } from './support/sample-account.ts';

/** The catalogue's `status`: `degraded` while recent syncs of an exchange cannot reach it. */
describe('exchange status in the catalogue', () => {
  let okx: ExchangeStandIn;
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let api: PlatformClient;

  beforeAll(async () => {
    okx = await startOkxStandIn({ fixture: sampleAccount({ rewards: true, conversions: true, buyFee: 'base' }) });
    ({ server, smtp, close } = await startServerWithMail({
      env: {
        COINGECKO_API_URL: 'http://127.0.0.1:9',
        EXCHANGE_API_URLS: JSON.stringify({ okx: okx.url }),
        PORTFOLIO_EXCHANGE_HISTORY_START: sampleHistoryStart(),
      },
    }));
    const client = await createTestClient(server, {
      name: 'Tax App',
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['read:providers', 'write:providers', 'read:assets', 'read:transactions'],
    });
    ({ api } = await personWithToken(server, smtp, client, 'status@example.com'));
  });
  afterAll(() => close?.());

  const status = async () =>
    ((await api.get('/platform/v2/providers/catalog')).body.data.providers as Json[]).find(
      (p) => p.provider_id === 'okx',
    ).status;

  it('is available while syncs succeed and degraded once they cannot reach the exchange', async () => {
    expect(
      (await api.post('/platform/v2/providers', { provider_id: 'okx', connection: { type: 'api_key', ...okx.key } }))
        .status,
    ).toBe(201);
    await server.kernel.jobs.drain();
    expect(await status()).toBe('available');

    await okx.close();
    server.clock.advance(61_000);
    expect((await api.post('/platform/v2/assets/refresh')).status).toBe(202);
    await server.kernel.jobs.drain();
    const [connection] = (await api.get('/platform/v2/providers')).body.data.providers as Json[];
    expect(connection).toMatchObject({ status: 'error', error: { cause: 'provider_unavailable' } });
    // The status is reused for 30 s: past that, the failed sync shows.
    server.clock.advance(31_000);
    expect(await status()).toBe('degraded');
    const [again] = (await api.get('/platform/v2/providers')).body.data.providers as Json[];
    expect(again.provider.status).toBe('degraded');
  });
});
