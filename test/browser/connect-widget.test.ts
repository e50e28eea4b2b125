import type { Browser, Page } from 'playwright-core';
import { getAddress, parseUnits, type Address } from 'viem';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { pkcePair } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import { freePort, type TestServer } from '../helpers/server.ts';
import { AnvilChain } from '../portfolio/support/anvil-chain.ts';
import { BitcoinTestWallet } from '../portfolio/support/bitcoin-wallet.ts';
import { CoinGeckoServer } from '../portfolio/support/coingecko-server.ts';
import { EsploraServer } from '../portfolio/support/esplora-server.ts';
import { EtherscanServer } from '../portfolio/support/etherscan-server.ts';
import { RpcRecorder } from '../portfolio/support/rpc-recorder.ts';
import { checkPage, contextWithoutScripts, expectFocus, expectVisibleFocus, tabTo } from './support/axe.ts';
import { clickAndLoad, hasChromium, launchChromium, SKIP_NOTE, startRedirectSink, textOf } from './support/chromium.ts';
import { signInWithKeyboard } from './support/sign-in.ts';

const SCOPES = ['read:providers', 'write:providers', 'read:assets', 'read:transactions'];
const API_KEY = 'test-etherscan-key';
const NETWORKS = { ethereum: 1, base: 8453 } as const;
type Network = keyof typeof NETWORKS;
/** Each call to the slow indexer takes this long, as a far-away explorer does. */
const SLOW_MS = 1500;

/**
 * Issue #14's Connect widget in Chromium, at 375 and 1280 px, with and without JavaScript: the
 * app named with its logo on every step, the provider picker and its search, one provider per
 * page, the wallet address telling its network, refused input kept and focused, live progress
 * over Server-Sent Events from a slow indexer (no reload), a failing indexer's reason in words and
 * "Try again" once it is back, "Back to the app", and the whole flow by keyboard alone. Every
 * state is axe-clean, without sideways scroll, with screenshots in test-results/screens/.
 */
describe.skipIf(!hasChromium)(`the Connect widget in a real browser${SKIP_NOTE}`, () => {
  const chain = new AnvilChain(inject('anvilRpcUrl'));
  const bitcoin = new BitcoinTestWallet();
  const esplora = new EsploraServer();
  const coingecko = new CoinGeckoServer();
  const indexers = {} as Record<Network, EtherscanServer>;
  const nodes = {} as Record<Network, RpcRecorder>;
  const btcAddress = bitcoin.address(bitcoin.key(0, 5));
  let browser: Browser;
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let sink: Awaited<ReturnType<typeof startRedirectSink>>;
  let client: TestClient;
  let alice: Address;

  beforeAll(async () => {
    const port = await freePort();
    sink = await startRedirectSink();
    const funder = await chain.newAccount('100');
    const startBlock = Number(await chain.public.getBlockNumber()) + 1;
    const aliceKey = await chain.newAccount();
    alice = aliceKey.address;
    const multicall = getAddress(await chain.deployMulticall(funder));
    await chain.sendEth(funder, alice, '2');
    await chain.deployToken(aliceKey, 'Widget Token', 'WDG', 18, parseUnits('500', 18));
    for (const [id, chainId] of Object.entries(NETWORKS) as Array<[Network, number]>) {
      indexers[id] = new EtherscanServer(chain.rpcUrl, startBlock, { chainId, apiKey: API_KEY });
      nodes[id] = new RpcRecorder(chain.rpcUrl, chainId);
      await Promise.all([indexers[id].start(), nodes[id].start()]);
    }
    esplora.add(bitcoin.coinbase(bitcoin.key(0, 5), 40_000_000n).tx, 100);
    await Promise.all([esplora.start(), coingecko.start()]);
    const network = (id: Network) => ({
      id,
      rpcUrl: nodes[id].url,
      indexerUrl: `${indexers[id].url}?chainid=${NETWORKS[id]}`,
      indexerApiKey: API_KEY,
      indexerCallsPerSecond: 1000,
      multicall3: multicall,
      confirmations: 0,
    });
    [browser, { server, smtp, close }] = await Promise.all([
      launchChromium(),
      startServerWithMail({
        env: {
          PORT: String(port),
          ISSUER: `http://127.0.0.1:${port}`,
          EVM_CHAINS: JSON.stringify([
            network('ethereum'),
            network('base'),
            ...['arbitrum', 'optimism', 'polygon', 'bsc', 'avalanche'].map((id) => ({ id, enabled: false })),
          ]),
          ESPLORA_URL: esplora.url,
          SOLANA_RPC_URL: 'http://127.0.0.1:9',
          COINGECKO_API_URL: coingecko.url,
          COINGECKO_CALLS_PER_MINUTE: '1000',
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
    for (const s of [...Object.values(indexers), ...Object.values(nodes)]) await s.close();
    await esplora.close();
    await coingecko.close();
    await sink?.close();
  });

  /** From the app's link through sign-in (by keyboard) to the widget's first step; answers the `state` sent. */
  async function openWidget(page: Page, email: string): Promise<string> {
    const { challenge } = pkcePair();
    const state = `s-${email}`;
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: client.id,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state,
    });
    await page.goto(`${server.url}/connect?${query}`);
    await signInWithKeyboard(page, email, () => smtp.waitForCode(email));
    await page.waitForURL(/\/connect\/link\/[^/]+$/);
    return state;
  }
  const card = (provider: string) => `li.conn:has(.conn-provider:text-is("${provider}"))`;

  it('links with scripts: picker search, one provider per page, live progress, a failure and “Try again”', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await openWidget(page, 'live@example.com');
    expect(await textOf(page, '.widget-app')).toBe('Connect to Tax App');
    expect(await page.getAttribute('.widget-app img', 'src')).toBe(`/logos/${encodeURIComponent(client.id)}`);
    expect(await textOf(page, '.stepper [aria-current="step"]')).toBe('1Choose');
    await checkPage(page, 'connect-picker');

    // Filtering as the person types: the same matching as the server's ?q=.
    await page.fill('#picker-q', 'base');
    await page.waitForFunction(() => document.getElementById('picker-count')?.textContent?.includes('“base”'));
    const shown = await page.$$eval('.tiles > li:not([hidden]) .tile-name', (names) => names.map((n) => n.textContent));
    expect(shown).toEqual(['Wallet address', 'All EVM networks', 'Base']);
    expect(new URL(page.url()).searchParams.get('q')).toBe('base');
    expect(await page.isHidden('section[aria-labelledby="group-exchanges"]')).toBe(true);
    await checkPage(page, 'connect-picker-search');

    // "Show all" clears the search in place.
    await page.click('a[data-clear-search]');
    expect(await page.inputValue('#picker-q')).toBe('');
    expect(await page.locator('.tiles > li:not([hidden])').count()).toBe(15);
    await clickAndLoad(page, 'a.tile[href$="/provider/binance"]');
    expect(await textOf(page, 'h1')).toBe('Link Binance');
    expect(await textOf(page, '.stepper [aria-current="step"]')).toBe('2Link');
    await checkPage(page, 'connect-provider-exchange');

    // The wallet form names the network of what is typed, and switches to it.
    await clickAndLoad(page, '.crumbs a');
    await clickAndLoad(page, 'a.tile[href$="/provider/ethereum"]');
    await expectFocus(page, '#wallet-address');
    await page.keyboard.type(btcAddress);
    await page.waitForFunction(() => document.getElementById('wallet-detected')?.textContent?.includes('Bitcoin'));
    expect(await textOf(page, '#wallet-detected')).toBe('Looks like a Bitcoin address, so the network is now Bitcoin.');
    expect(await page.inputValue('#wallet-network')).toBe('bitcoin');
    await checkPage(page, 'connect-provider-wallet');

    // Refused: the input stays, the field is marked and has focus.
    await page.fill('#wallet-address', '0x12ab');
    await page.selectOption('#wallet-network', 'ethereum');
    await clickAndLoad(page, 'button:text-is("Link wallet")');
    expect(await page.inputValue('#wallet-address')).toBe('0x12ab');
    expect(await page.getAttribute('#wallet-address', 'aria-invalid')).toBe('true');
    expect(await textOf(page, '#wallet-address-error')).toMatch(/^The address is not an EVM address/);
    await expectFocus(page, '#wallet-address');
    await checkPage(page, 'connect-wallet-error');

    // A slow indexer: the page follows the sync as it goes, without reloading.
    indexers.ethereum.latencyMs = SLOW_MS;
    await page.fill('#wallet-address', alice);
    await clickAndLoad(page, 'button:text-is("Link wallet")');
    expect(page.url()).toMatch(/\/progress\?linked=/);
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const list = document.getElementById('conns')!;
      const note = () => seen.push(list.querySelector('li.conn')!.textContent!.replace(/\s+/g, ' '));
      note();
      new MutationObserver(note).observe(list, { childList: true, subtree: true, characterData: true });
    });
    expect(await textOf(page, `${card('Ethereum')} .pill`)).toBe('Reading…');
    await checkPage(page, 'connect-progress-syncing');
    await page.waitForSelector(`${card('Ethereum')}[data-status="connected"]`, { timeout: 30_000 });
    const seen = await page.evaluate(() => (window as unknown as { seen?: string[] }).seen);
    expect(seen, 'the page was reloaded').toBeDefined();
    console.log(`progress seen live:\n  ${seen!.join('\n  ')}`);
    expect(seen![0]).toContain('Reading…');
    // Balances as soon as they are known, while the history is still being read.
    expect(seen!.some((state) => state.includes('Reading…') && /1\.99\d* ETH/.test(state))).toBe(true);
    const done = await textOf(page, card('Ethereum'));
    expect(done).toMatch(/Transactions read ?[1-9]/);
    expect(done).toMatch(/1\.99\d* ETH \(\$5,99\d\.\d\d\) · 500 WDG/);
    expect(done).toContain('Up to date');
    expect(await textOf(page, '#progress-summary')).toBe('All set: your account is up to date.');
    indexers.ethereum.latencyMs = 0;

    // A failing indexer: the reason in words, then "Try again" once it is back.
    indexers.base.down = true;
    await clickAndLoad(page, 'a.button:text-is("Link another account")');
    await clickAndLoad(page, 'a.tile[href$="/provider/base"]');
    await page.fill('#wallet-address', alice);
    await clickAndLoad(page, 'button:text-is("Link wallet")');
    await page.waitForSelector(`${card('Base')}[data-status="error"]`, { timeout: 20_000 });
    const failed = await textOf(page, card('Base'));
    expect(failed).toContain('Couldn’t read');
    expect(failed).toContain('We couldn’t reach Base just now. This is usually temporary.');
    expect(failed).toMatch(/Details: The indexer 127\.0\.0\.1:\d+ answered HTTP 503\./);
    await checkPage(page, 'connect-progress-failed');
    // The sync's own retries wait on the server's clock: held back, so the button is what recovers it.
    server.clock.advance(-10 * 60_000);
    indexers.base.down = false;
    await clickAndLoad(page, `${card('Base')} button:has-text("Try again")`);
    await page.waitForSelector(`${card('Base')}[data-status="connected"]`, { timeout: 20_000 });
    expect(await textOf(page, card('Base'))).not.toContain('couldn’t reach');
    expect(await page.getAttribute('a.button:text-is("Continue")', 'href')).toMatch(/\/connect\/link\/[^/]+\/choose$/);
    await checkPage(page, 'connect-progress-done');
    server.clock.advance(10 * 60_000);
  }, 180_000);

  it('completes by keyboard alone, and “Back to the app” answers access_denied', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.setViewportSize({ width: 375, height: 800 });
    await openWidget(page, 'keys@example.com');
    await tabTo(page, '#picker-q');
    await expectVisibleFocus(page);
    await page.keyboard.type('bitcoin');
    await tabTo(page, 'a.tile[href$="/provider/bitcoin"]');
    await expectVisibleFocus(page);
    await Promise.all([page.waitForURL(/\/provider\/bitcoin$/), page.keyboard.press('Enter')]);
    await expectFocus(page, '#wallet-address');
    await page.keyboard.type(btcAddress);
    await Promise.all([page.waitForURL(/\/progress\?/), page.keyboard.press('Enter')]);
    await page.waitForSelector(`${card('Bitcoin')}[data-status="connected"]`, { timeout: 20_000 });
    expect(await textOf(page, card('Bitcoin'))).toContain('0.4 BTC');
    await tabTo(page, 'a.button', 'Continue');
    await expectVisibleFocus(page);
    await Promise.all([page.waitForURL(/\/connect\/link\/[^/]+\/choose$/), page.keyboard.press('Enter')]);

    const other = await (await browser.newContext()).newPage();
    const state = await openWidget(other, 'leaves@example.com');
    await tabTo(other, '.widget-exit button');
    expect(await textOf(other, '.widget-exit button')).toBe('Back to Tax App');
    await expectVisibleFocus(other);
    await Promise.all([other.waitForURL((url) => url.href.startsWith(sink.url)), other.keyboard.press('Enter')]);
    const back = new URL(other.url());
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe(state);
    expect(back.searchParams.get('iss')).toBe(server.url);
  }, 120_000);

  it('works without JavaScript: the search form, a refused address kept and focused, a page that reloads until synced', async () => {
    const context = await contextWithoutScripts(browser);
    const page = await context.newPage();
    await page.setViewportSize({ width: 375, height: 800 });
    await openWidget(page, 'noscript@example.com');
    await page.fill('#picker-q', 'btc');
    await clickAndLoad(page, 'button:text-is("Search")');
    expect(new URL(page.url()).searchParams.get('q')).toBe('btc');
    expect(await textOf(page, '#picker-count')).toBe('2 matches for “btc”.');
    await checkPage(page, 'connect-picker-search-nojs');

    await clickAndLoad(page, 'a.tile[href$="/provider/bitcoin"]');
    await page.fill('#wallet-address', `${btcAddress}x`);
    await clickAndLoad(page, 'button:text-is("Link wallet")');
    expect(await page.inputValue('#wallet-address')).toBe(`${btcAddress}x`);
    await expectFocus(page, '#wallet-address');
    await checkPage(page, 'connect-wallet-error-nojs');

    await page.fill('#wallet-address', btcAddress);
    await clickAndLoad(page, 'button:text-is("Link wallet")');
    // The page reloads itself (a refresh inside <noscript>) until the sync is done.
    await page.waitForSelector(`${card('Bitcoin')}[data-status="connected"]`, { timeout: 20_000 });
    expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
    await checkPage(page, 'connect-progress-nojs');
    const still = page.url().replace(/\?.*$/, '?still=1');
    await page.goto(still);
    expect(await textOf(page, 'h1')).toBe('Your linked accounts');
  }, 120_000);
});
