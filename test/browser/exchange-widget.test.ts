import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, postForm, type TestClient } from '../helpers/clients.ts';
import { pkcePair } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import { freePort, type TestServer } from '../helpers/server.ts';
import { PlatformClient, type Json } from '../portfolio/support/platform-client.ts';
import { startBinanceStandIn } from '../portfolio/exchanges/support/binance-stand-in.ts';
import {
  startCoinbaseOAuthStandIn,
  type CoinbaseOAuthStandIn,
} from '../portfolio/exchanges/support/coinbase-oauth-stand-in.ts';
import type { ExchangeStandIn } from '../portfolio/exchanges/support/exchange-stand-in.ts';
import { sampleAccount, sampleHistoryStart } from '../portfolio/exchanges/support/sample-account.ts';
import {
  checkLayout,
  clickAndLoad,
  hasChromium,
  launchChromium,
  SKIP_NOTE,
  startRedirectSink,
  textOf,
} from './support/chromium.ts';
import { finishLinkStep } from './support/connect.ts';
import { signInWithKeyboard } from './support/sign-in.ts';

const SCOPES = ['read:providers', 'write:providers', 'read:assets', 'read:transactions'];

/**
 * Issue #11's "done when", in Chromium: the Connect widget links Binance by a read-only key
 * (refusing a trading key with the steps to make a read-only one), links Coinbase through
 * Coinbase's own consent page, the person allows the app, and the app reads both exchanges
 * through v1 and v2 filtered by crypto_sources.
 */
describe.skipIf(!hasChromium)(`exchanges in the Connect widget, in a real browser${SKIP_NOTE}`, () => {
  let browser: Browser;
  let binance: ExchangeStandIn;
  let coinbase: CoinbaseOAuthStandIn;
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let sink: Awaited<ReturnType<typeof startRedirectSink>>;
  let client: TestClient;

  beforeAll(async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    sink = await startRedirectSink();
    binance = await startBinanceStandIn({
      fixture: sampleAccount({ rewards: true, conversions: false, buyFee: 'base' }),
    });
    coinbase = await startCoinbaseOAuthStandIn({
      redirectUri: `${issuer}/connect/oauth/callback/coinbase`,
      fixture: sampleAccount({ rewards: true, conversions: true, buyFee: 'quote' }),
    });
    [browser, { server, smtp, close }] = await Promise.all([
      launchChromium(),
      startServerWithMail({
        env: {
          PORT: String(port),
          ISSUER: issuer,
          COINGECKO_API_URL: 'http://127.0.0.1:9',
          PORTFOLIO_EXCHANGE_HISTORY_START: sampleHistoryStart(),
          EXCHANGE_API_URLS: JSON.stringify({ binance: binance.url, coinbase: coinbase.url }),
          COINBASE_OAUTH_CLIENT_ID: coinbase.clientId,
          COINBASE_OAUTH_CLIENT_SECRET: coinbase.clientSecret,
          EXCHANGE_OAUTH_URLS: JSON.stringify({
            coinbase: {
              authorize: `${coinbase.url}/oauth2/auth`,
              token: `${coinbase.url}/oauth2/token`,
              revoke: `${coinbase.url}/oauth2/revoke`,
            },
          }),
        },
      }),
    ]);
    client = await createTestClient(server, {
      name: 'Tax App',
      type: 'public',
      redirectUris: [sink.url],
      allowedScopes: SCOPES,
      defaultScopes: SCOPES,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await close?.();
    await binance?.close();
    await coinbase?.close();
    await sink?.close();
  });

  it('links Binance by key and Coinbase by OAuth, then the app reads both', async () => {
    const page = await (await browser.newContext()).newPage();
    const { verifier, challenge } = pkcePair();
    const widget = new URLSearchParams({
      response_type: 'code',
      client_id: client.id,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'widget',
    });
    await page.goto(`${server.url}/connect?${widget}`);
    await signInWithKeyboard(page, 'exchanges@example.com', () => smtp.waitForCode('exchanges@example.com'));
    await page.waitForURL(/\/connect\/link\//);
    expect(await textOf(page, 'main')).toContain('Exchanges');

    // A key that can trade: refused, with Binance's own steps for a read-only key, and nothing linked.
    binance.permissions = { trade: true, withdraw: false };
    await clickAndLoad(page, 'a.tile[href$="/provider/binance"]');
    await checkLayout(page, 'connect-exchange-form');
    await page.fill('#api-key', binance.key.api_key);
    await page.fill('#secret-key', binance.key.secret_key);
    await clickAndLoad(page, 'button:has-text("Link Binance")');
    await checkLayout(page, 'connect-exchange-refused');
    expect(await textOf(page, '#api-key-error')).toMatch(
      /can trade; Consentry only reads, so it accepts read-only keys/,
    );
    expect(await page.getAttribute('#api-key', 'aria-invalid')).toBe('true');
    expect(await textOf(page, 'ol.howto')).toContain('Enable Reading');

    // The key and secret are still in the form: the read-only key is linked with one more press.
    binance.permissions = { trade: false, withdraw: false };
    expect(await page.inputValue('#api-key')).toBe(binance.key.api_key);
    const linkedAt = Date.now();
    await clickAndLoad(page, 'button:has-text("Link Binance")');
    expect(await textOf(page, 'main')).toMatch(/Linked Binance\./);

    // Coinbase: its own consent page, then back in the widget with the account linked.
    await clickAndLoad(page, 'a.button:text-is("Link another account")');
    await clickAndLoad(page, 'a.tile[href$="/provider/coinbase"]');
    await clickAndLoad(page, 'button:has-text("Continue with Coinbase")');
    expect(page.url().startsWith(coinbase.url)).toBe(true);
    await clickAndLoad(page, 'button:has-text("Authorize")');
    await page.waitForURL(/\/connect\/link\/[^/]+\/progress$/);
    const linked = await textOf(page, '#conns');
    expect(linked).toContain('Binance');
    expect(linked).toContain('Coinbase');

    // The app's own consent, then its code.
    await finishLinkStep(page);
    await clickAndLoad(page, 'button:has-text("Allow")');
    const back = new URL(page.url());
    expect(back.origin + back.pathname).toBe(sink.url);
    const tokens = await postForm(server, '/oauth/token', {
      grant_type: 'authorization_code',
      code: back.searchParams.get('code')!,
      redirect_uri: sink.url,
      code_verifier: verifier,
      client_id: client.id,
    });
    const api = new PlatformClient(server, tokens.json.access_token as string);

    // Balances within seconds of linking (the sync reads them before any history).
    for (;;) {
      const assets = (await api.get('/platform/v2/assets?crypto_sources=binance')).body.data.assets as Json[];
      if (assets.some((a) => a.asset.symbol === 'BTC')) break;
      expect(Date.now() - linkedAt).toBeLessThan(10_000);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await server.kernel.jobs.drain();
    const providers = (await api.get('/platform/v2/providers')).body.data.providers as Json[];
    expect(providers.map((p) => [p.provider_id, p.auth_type, p.status]).sort()).toEqual([
      ['binance', 'api_key', 'connected'],
      ['coinbase', 'oauth2', 'connected'],
    ]);
    for (const path of ['/platform/v2/transactions', '/platform/v1/transactions']) {
      const answer = await api.get(`${path}?crypto_sources=binance,coinbase&limit=100`);
      expect(answer.status).toBe(200);
      const sources = new Set((answer.body.data.transactions as Json[]).map((t) => t.provider_id));
      expect([...sources].sort()).toEqual(['binance', 'coinbase']);
    }
    const assets = await api.get('/platform/v2/assets?crypto_sources=binance,coinbase');
    const btc = (assets.body.data.assets as Json[]).find((a) => a.asset.symbol === 'BTC');
    expect(btc.sources.map((s: Json) => s.provider_id).sort()).toEqual(['binance', 'coinbase']);
  }, 90_000);
});
