import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXCHANGES } from '../../src/portfolio/sources/exchange/exchanges/index.ts';
import { SECRET_WARNING } from '../../src/portfolio/connect/browser/address-shape.ts';
import { findForm, PageAgent } from '../helpers/browser.ts';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { pkcePair, signInThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { BitcoinTestWallet, utxo } from './support/bitcoin-wallet.ts';
import { EsploraServer } from './support/esplora-server.ts';

const CLOSED = 'http://127.0.0.1:9';
const SCOPES = ['read:providers', 'write:providers', 'read:assets', 'read:transactions'];

/** The ids of the picker's tiles the page shows (tiles left out by the search carry `hidden`). */
function visibleTiles(page: string): string[] {
  return [...page.matchAll(/<li data-terms="[^"]*"( hidden)?><a class="tile" href="[^"]*\/provider\/([^"]+)"/g)]
    .filter((m) => !m[1])
    .map((m) => m[2]!);
}

/** The attributes of the element with this id. */
function tagOf(page: string, id: string): string {
  const tag = new RegExp(`<(input|select|textarea)\\b[^>]*\\bid="${id}"[^>]*>`).exec(page)?.[0];
  if (!tag) throw new Error(`no field #${id} in the page`);
  return tag;
}

/**
 * The Connect widget's pages over HTTP, as a browser without scripts uses them: the picker and
 * its `?q=` search, a provider page per provider, the wallet form's network detection and
 * suggestion, refused forms that keep their input and mark the field, the progress page with its
 * event stream, failure in words and "Try again", and "Back to <app>".
 */
describe.each(testDialects())('the Connect widget’s pages (%s)', (dialect) => {
  const esplora = new EsploraServer();
  const btc = new BitcoinTestWallet();
  const funded = btc.address(btc.key(0, 3));
  const other = btc.address(btc.key(0, 4));
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;

  beforeAll(async () => {
    const c0 = btc.coinbase(btc.outsider, 10_000_000n);
    esplora.add(c0.tx, 10);
    esplora.add(
      btc.spend(
        [utxo(c0.tx, 0, btc.outsider)],
        [
          [funded, 2_500_000n],
          [btc.address(btc.outsider), 7_490_000n],
        ],
      ),
      11,
    );
    await esplora.start();
    ({ server, smtp, close } = await startServerWithMail({
      dialect,
      env: {
        ESPLORA_URL: esplora.url,
        COINGECKO_API_URL: CLOSED,
        SOLANA_RPC_URL: CLOSED,
        COINBASE_OAUTH_CLIENT_ID: 'consentry-at-coinbase',
        COINBASE_OAUTH_CLIENT_SECRET: 'not-used-here',
        // Two indexed EVM networks (nothing answers there): "All EVM networks" is in the catalogue.
        EVM_CHAINS: JSON.stringify([
          { id: 'ethereum', rpcUrl: CLOSED, indexerUrl: `${CLOSED}/api` },
          { id: 'base', rpcUrl: CLOSED, indexerUrl: `${CLOSED}/api` },
          ...['arbitrum', 'optimism', 'polygon', 'bsc', 'avalanche'].map((id) => ({ id, enabled: false })),
        ]),
      },
    }));
    client = await createTestClient(server, {
      name: 'Ledger Lens',
      type: 'public',
      redirectUris: ['https://lens.example/cb'],
      allowedScopes: SCOPES,
      defaultScopes: SCOPES,
    });
  });
  afterAll(async () => {
    await close?.();
    await esplora.close();
  });

  /** A person signed in on the widget's first step. */
  async function openWidget(who: string) {
    const agent = new PageAgent(server.url);
    const state = randomBytes(8).toString('hex');
    const { challenge } = pkcePair();
    const started = await agent.get(
      `/connect?${new URLSearchParams({ response_type: 'code', client_id: client.id, code_challenge: challenge, code_challenge_method: 'S256', state })}`,
    );
    const signedIn = await signInThroughPages(agent, smtp, `${who}-${dialect}@example.com`, started);
    const base = (await agent.get(signedIn.headers.get('location')!)).headers.get('location')!;
    expect(base).toMatch(/^\/connect\/link\/[^/]+$/);
    return { agent, base, state };
  }

  /** Polls the progress page until a card has `status` (the sync runs as a background job). */
  async function waitForCard(agent: PageAgent, base: string, status: string): Promise<string> {
    const since = Date.now();
    for (;;) {
      const page = await (await agent.get(`${base}/progress`)).text();
      if (page.includes(`data-status="${status}"`)) return page;
      expect(Date.now() - since, `no card reached ${status}`).toBeLessThan(15_000);
      await server.kernel.jobs.drain();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('shows the picker: grouped tiles from the catalogue, a search that works without scripts, the app named', async () => {
    const { agent, base } = await openWidget('picker');
    const page = await (await agent.get(base)).text();
    expect(page).toContain('Connect to <strong>Ledger Lens</strong>');
    expect(page).toContain(`src="/logos/${encodeURIComponent(client.id)}"`);
    expect(page).toMatch(/<li aria-current="step"><span class="stepper-dot" aria-hidden="true">1<\/span>Choose<\/li>/);
    expect([...page.matchAll(/<h2 id="group-[a-z]+">([^<]+)<\/h2>/g)].map((m) => m[1])).toEqual([
      'Exchanges',
      'Wallets and blockchains',
      'File import',
    ]);
    expect(visibleTiles(page)).toEqual([
      ...EXCHANGES.map((e) => e.providerId),
      'wallet',
      'evm',
      'ethereum',
      'base',
      'bitcoin',
      'solana',
      'csv',
    ]);
    for (const id of ['binance', 'evm', 'bitcoin', 'csv'])
      expect(page).toContain(`<img src="/portfolio/logos/${id}.svg" alt="" width="40" height="40">`);
    expect((await fetch(`${server.url}/portfolio/logos/bitcoin.svg`)).headers.get('content-type')).toMatch(/svg/);
    // Nothing linked yet: the way on is to skip (the app gets no account).
    expect(findForm(page, '/continue').action).toBe(`${base}/continue`);

    const search = async (q: string) => (await agent.get(`${base}?q=${encodeURIComponent(q)}`)).text();
    // The exchange and the import of its export.
    const kraken = await search('kra');
    expect(visibleTiles(kraken)).toEqual(['kraken', 'csv']);
    expect(kraken).toContain('2 matches for “kra”.');
    expect(kraken).toContain('value="kra"');
    expect(kraken).toMatch(/<section class="picker-group" aria-labelledby="group-wallets" hidden>/);
    // A wallet app's name finds the networks its addresses live on.
    expect(visibleTiles(await search('MetaMask'))).toEqual(['wallet', 'evm', 'ethereum', 'base']);
    expect(visibleTiles(await search('sol'))).toEqual(['wallet', 'solana']);
    const nothing = await search('zzzz');
    expect(visibleTiles(nothing)).toEqual([]);
    expect(nothing).toContain('Nothing matches “zzzz”.');
    expect(nothing).toMatch(/<p class="picker-none">Can’t find it\?/);
    expect((await agent.get(`${base}?q=${'x'.repeat(101)}`)).status).toBe(400);
  });

  it('gives every provider a page of its own: the exchange’s steps, its sign-in, the wallet and CSV forms', async () => {
    const { agent, base } = await openWidget('providers');
    for (const exchange of EXCHANGES) {
      const page = await (await agent.get(`${base}/provider/${exchange.providerId}`)).text();
      expect(page, exchange.providerId).toContain(`<h1>Link ${exchange.name}</h1>`);
      expect(page).toMatch(/<li aria-current="step">.*Link<\/li>/);
      for (const step of exchange.keyHelp) expect(page).toContain(step.replace(/&/g, '&amp;').replace(/"/g, '&quot;'));
      expect(page.includes('id="passphrase"')).toBe(exchange.passphrase);
      expect(page.includes(`Continue with ${exchange.name}`)).toBe(exchange.providerId === 'coinbase');
    }
    const anyWallet = await (await agent.get(`${base}/provider/wallet`)).text();
    expect(anyWallet).toContain('<h1>Link a wallet</h1>');
    expect(anyWallet).toContain('<option value="detect" selected>Detect from the address</option>');
    expect(tagOf(anyWallet, 'wallet-address')).toContain('autofocus');
    const bitcoin = await (await agent.get(`${base}/provider/bitcoin`)).text();
    expect(bitcoin).toContain('<option value="bitcoin" data-kind="bitcoin" selected>Bitcoin</option>');
    const csv = await (await agent.get(`${base}/provider/csv`)).text();
    expect(tagOf(csv, 'csv-file')).toContain('type="file"');
    expect(csv).toContain('<option value="kraken">Kraken export</option>');
    expect((await agent.get(`${base}/provider/nope`)).status).toBe(404);
  });

  it('tells the network from the address, answers a mismatch with the right one, and keeps refused input', async () => {
    const { agent, base } = await openWidget('networks');
    const form = await (await agent.get(`${base}/provider/ethereum`)).text();

    // A Bitcoin address on Ethereum: nothing linked; the form comes back with Bitcoin chosen, saying why.
    const mismatch = await agent.submit(form, { provider_id: 'ethereum', address: funded }, '/wallet');
    expect(mismatch.status).toBe(400);
    const suggested = await mismatch.text();
    expect(suggested).toContain('This is a Bitcoin address, not an Ethereum one. We chose Bitcoin for you');
    expect(suggested).toContain('<option value="bitcoin" data-kind="bitcoin" selected>Bitcoin</option>');
    const select = tagOf(suggested, 'wallet-network');
    expect(select).toContain('aria-invalid="true"');
    expect(select).toContain('aria-describedby="wallet-network-error"');
    expect(select).toContain('autofocus');
    expect(suggested).toContain('<p class="error field-error" id="wallet-network-error">');
    expect(tagOf(suggested, 'wallet-address')).toContain(`value="${funded}"`);
    expect(suggested).toContain('<h1>Link an Ethereum wallet</h1>');
    expect(await (await agent.get(`${base}/progress`)).text()).toContain('Nothing linked yet.');

    // An address whose network cannot be told: kept, marked, focused.
    const unknown = await agent.submit(form, { provider_id: 'detect', address: '0x12ab' }, '/wallet');
    expect(unknown.status).toBe(400);
    const unknownPage = await unknown.text();
    const field = tagOf(unknownPage, 'wallet-address');
    expect(field).toContain('value="0x12ab"');
    expect(field).toContain('aria-invalid="true"');
    expect(field).toContain('aria-describedby="wallet-address-error wallet-address-hint"');
    expect(field).toContain('autofocus');
    expect(unknownPage).toContain('We couldn’t tell which network this address is on.');

    // A Bitcoin address with a broken checksum: the Bitcoin check's own words, the input kept.
    const typo = `${funded.slice(0, -1)}${funded.endsWith('q') ? 'p' : 'q'}`;
    const broken = await agent.submit(form, { provider_id: 'detect', address: typo }, '/wallet');
    expect(broken.status).toBe(400);
    const brokenPage = await broken.text();
    expect(brokenPage).toContain('The address is neither a Bitcoin mainnet address nor an account xpub/zpub');
    expect(tagOf(brokenPage, 'wallet-address')).toContain(`value="${typo}"`);

    // A private key is refused and never written back into the page.
    const key = `0x${'ab'.repeat(32)}`;
    const secret = await agent.submit(form, { provider_id: 'detect', address: key }, '/wallet');
    expect(secret.status).toBe(400);
    const secretPage = await secret.text();
    expect(secretPage).toContain(SECRET_WARNING);
    expect(secretPage).not.toContain(key);
    expect(tagOf(secretPage, 'wallet-address')).toContain('value=""');

    // Left to us, a Bitcoin address goes to Bitcoin, and the person watches it sync.
    const linked = await agent.submit(
      form,
      { provider_id: 'detect', address: funded, display_label: 'Cold' },
      '/wallet',
    );
    expect(linked.status).toBe(303);
    expect(linked.headers.get('location')).toMatch(new RegExp(`^${base}/progress\\?linked=[^&]+$`));
    const progress = await (await agent.get(linked.headers.get('location')!)).text();
    expect(progress).toMatch(/Linked Cold on Bitcoin\.(<span data-while-syncing> We’re reading it now\.<\/span>)?</);
    const done = await waitForCard(agent, base, 'connected');
    expect(done).toContain('0.025 BTC');
    expect(done).toMatch(/<dt>Transactions read<\/dt><dd>1<\/dd>/);
    expect(done).toMatch(/<dt>Last synced<\/dt><dd><time datetime="/);
    expect(done).toContain(`<a class="button" href="${base}/choose">Continue</a>`);
    expect(done).not.toContain('http-equiv="refresh"');
    // Linked: the picker leads on to the progress page and no longer offers to skip.
    const picker = await (await agent.get(base)).text();
    expect(picker).toContain(`You’ve linked 1 account.</span> <a href="${base}/progress">Review and continue</a>`);
    expect(picker).not.toContain(`action="${base}/continue"`);
  });

  it('keeps an exchange form’s and a CSV form’s input when they are refused, marking the fields', async () => {
    const { agent, base } = await openWidget('forms');
    const okx = await (await agent.get(`${base}/provider/okx`)).text();
    const refused = await agent.submit(okx, { api_key: 'key-typed', secret_key: ' ' }, '/exchange');
    expect(refused.status).toBe(400);
    const page = await refused.text();
    expect(tagOf(page, 'api-key')).toContain('value="key-typed"');
    expect(tagOf(page, 'api-key')).not.toContain('aria-invalid');
    for (const id of ['secret-key', 'passphrase']) {
      expect(tagOf(page, id)).toContain('aria-invalid="true"');
      expect(tagOf(page, id)).toContain(`aria-describedby="${id}-error"`);
    }
    expect(tagOf(page, 'secret-key')).toContain('autofocus');
    expect(tagOf(page, 'passphrase')).not.toContain('autofocus');
    expect(page).toContain('Enter the secret key OKX showed with it.');

    const csv = await (await agent.get(`${base}/provider/csv`)).text();
    const content =
      'Date,Received Quantity,Received Currency,Sent Quantity,Sent Currency,Fee Amount,Fee Currency,Tag\nnot-a-date,1,BTC,,,,,';
    const bad = await agent.submit(csv, { content, format: 'universal', display_label: 'My export' }, '/csv');
    expect(bad.status).toBe(400);
    const badPage = await bad.text();
    expect(badPage).toContain('Line 2: Date &quot;not-a-date&quot; is not a date');
    expect(badPage).toContain('<details class="paste" open>');
    expect(tagOf(badPage, 'csv-content')).toContain('aria-invalid="true"');
    expect(badPage).toContain('not-a-date,1,BTC');
    expect(tagOf(badPage, 'csv-label')).toContain('value="My export"');
  });

  it('shows a failed sync’s reason in words, and “Try again” reads it again once the provider is back', async () => {
    const { agent, base } = await openWidget('retry');
    esplora.down = true;
    try {
      const form = await (await agent.get(`${base}/provider/bitcoin`)).text();
      const linked = await agent.submit(form, { provider_id: 'bitcoin', address: other }, '/wallet');
      expect(linked.status).toBe(303);
      const failed = await waitForCard(agent, base, 'error');
      expect(failed).toContain('We couldn’t reach Bitcoin just now. This is usually temporary.');
      expect(failed).toMatch(/Details: Esplora [^<]*503/);
      expect(failed).toContain('1 account couldn’t be read.');
      expect(failed).toContain('Try again<span class="visually-hidden"> to read');

      // The event stream sends the state and ends, since nothing is syncing.
      const cookie = { cookie: (agent as unknown as { cookies: Map<string, string> }).cookies };
      const stream = await fetch(`${server.url}${base}/progress/events`, {
        headers: { cookie: [...cookie.cookie].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      const events = await stream.text();
      expect(events).toMatch(/^retry: 3000\n\nevent: progress\ndata: \{/);
      const data = JSON.parse(/data: (.*)\n/.exec(events)![1]!);
      expect(data).toMatchObject({ active: false, summary: expect.stringContaining('couldn’t be read') });
      expect(data.cards[0].html).toContain('We couldn’t reach Bitcoin just now.');
      // Someone else (signed out) gets nothing.
      const stranger = await fetch(`${server.url}${base}/progress/events`, { redirect: 'manual' });
      expect(stranger.status).toBe(303);

      // Tried again while the provider is still away: it fails again, and a third try waits out the cooldown.
      const retried = await agent.submit(failed, {}, '/retry');
      expect(retried.status).toBe(303);
      expect(retried.headers.get('location')).toMatch(/\/progress\?retried=/);
      expect(await (await agent.get(retried.headers.get('location')!)).text()).toMatch(
        /Trying Bitcoin bc1q\S* again\.|data-status="error"/,
      );
      const failedAgain = await waitForCard(agent, base, 'error');
      const tooSoon = await agent.submit(failedAgain, {}, '/retry');
      expect(tooSoon.headers.get('location')).toMatch(/\/progress\?wait=\d+&c=/);
      expect(await (await agent.get(tooSoon.headers.get('location')!)).text()).toMatch(
        /Bitcoin bc1q\S* was tried moments ago\. You can try again in \d+ seconds\./,
      );

      esplora.down = false;
      server.clock.advance(61_000);
      const once = await agent.submit(failedAgain, {}, '/retry');
      expect(once.headers.get('location')).toMatch(/\/progress\?retried=/);
      const recovered = await waitForCard(agent, base, 'connected');
      expect(recovered).toContain('Up to date');
      expect(recovered).not.toContain('couldn’t reach');
    } finally {
      esplora.down = false;
    }
  });
});
