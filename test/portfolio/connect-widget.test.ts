import { randomBytes } from 'node:crypto';
import { parseUnits } from 'viem';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PageAgent } from '../helpers/browser.ts';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { pkcePair, signInThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { AnvilChain, anvilChainsEnv } from './support/anvil-chain.ts';
import { BitcoinTestWallet, utxo } from './support/bitcoin-wallet.ts';
import { CoinGeckoServer } from './support/coingecko-server.ts';
import { KRAKEN_LEDGER_CSV, UNIVERSAL_CSV } from './support/csv-fixtures.ts';
import { EsploraServer } from './support/esplora-server.ts';
import { exchangeCode, type Json } from './support/platform-client.ts';

const PORTFOLIO_SCOPES = ['read:providers', 'write:providers', 'read:assets', 'read:transactions'];

describe.each(testDialects())('the Connect widget, end to end (%s)', (dialect) => {
  const chain = new AnvilChain(inject('anvilRpcUrl'));
  const esplora = new EsploraServer();
  const coingecko = new CoinGeckoServer();
  const btc = new BitcoinTestWallet();
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;
  let wallet: `0x${string}`;
  const bitcoinAddress = btc.address(btc.key(0, 7, btc.otherAccount));

  beforeAll(async () => {
    const funder = await chain.newAccount('50');
    const owner = await chain.newAccount();
    wallet = owner.address;
    await chain.sendEth(funder, wallet, '2');
    const token = await chain.deployToken(owner, 'Widget Token', 'WDG', 6, parseUnits('1234.5', 6));
    await chain.callToken(owner, token.address, 'transfer', [funder.address, parseUnits('0.5', 6)]);
    const c0 = btc.coinbase(btc.outsider, 10_000_000n);
    esplora.add(c0.tx, 10);
    esplora.add(
      btc.spend(
        [utxo(c0.tx, 0, btc.outsider)],
        [
          [bitcoinAddress, 2_500_000n],
          [btc.address(btc.outsider), 7_490_000n],
        ],
      ),
      11,
    );
    await esplora.start();
    await coingecko.start();
    ({ server, smtp, close } = await startServerWithMail({
      dialect,
      env: {
        EVM_CHAINS: anvilChainsEnv(chain.rpcUrl, { coingeckoId: 'ethereum' }),
        ESPLORA_URL: esplora.url,
        COINGECKO_API_URL: coingecko.url,
      },
    }));
    client = await createTestClient(server, {
      name: 'Budget Buddy',
      type: 'public',
      redirectUris: ['https://buddy.example/cb'],
      allowedScopes: PORTFOLIO_SCOPES,
      defaultScopes: PORTFOLIO_SCOPES,
    });
  });
  afterAll(async () => {
    await close();
    await esplora.close();
    await coingecko.close();
  });

  it('links an anvil wallet, a Bitcoin address and CSVs, consents, and the app reads both API versions', async () => {
    const agent = new PageAgent(server.url);
    const { verifier, challenge } = pkcePair();
    const state = randomBytes(8).toString('hex');
    // The Calico widget URL: no redirect_uri, no scope. (response_type is sent too: the
    // authorization endpoint still requires it on /connect.)
    const started = await agent.get(
      `/connect?${new URLSearchParams({ response_type: 'code', client_id: client.id, code_challenge: challenge, code_challenge_method: 'S256', state }).toString()}`,
    );
    expect(started.status).toBe(303);
    expect(started.headers.get('location')).toMatch(/^\/signin/);
    const signedIn = await signInThroughPages(agent, smtp, `widget-${dialect}@example.com`, started);
    const interactionPath = signedIn.headers.get('location')!;
    const toStep = await agent.get(interactionPath);
    expect(toStep.status).toBe(303);
    const stepPath = toStep.headers.get('location')!;
    expect(stepPath).toMatch(/^\/connect\/link\//);

    const picker = await (await agent.get(stepPath)).text();
    expect(picker).toContain('Where is your crypto?');
    expect(picker).toContain('Budget Buddy');

    const walletForm = await (await agent.get(`${stepPath}/provider/anvil`)).text();
    const badWallet = await agent.submit(walletForm, { provider_id: 'anvil', address: wallet.slice(0, 41) }, '/wallet');
    expect(badWallet.status).toBe(400);
    expect(await badWallet.text()).toContain('not an EVM address');

    const csvForm = await (await agent.get(`${stepPath}/provider/csv`)).text();
    for (const [form, fields, action] of [
      [walletForm, { provider_id: 'anvil', address: wallet, display_label: 'Hot wallet' }, '/wallet'],
      [walletForm, { provider_id: 'bitcoin', address: bitcoinAddress }, '/wallet'],
      [csvForm, { content: UNIVERSAL_CSV, format: 'universal' }, '/csv'],
    ] as const) {
      const added = await agent.submit(form, fields, action);
      expect(added.status, JSON.stringify(fields)).toBe(303);
      const progress = await (await agent.get(added.headers.get('location')!)).text();
      expect(progress).toContain('<p class="notice" id="progress-notice"');
    }

    const badCsv = await agent.submit(
      csvForm,
      {
        content:
          'Date,Received Quantity,Received Currency,Sent Quantity,Sent Currency,Fee Amount,Fee Currency,Tag\nnot-a-date,1,BTC,,,,,',
      },
      '/csv',
    );
    expect(badCsv.status).toBe(400);
    expect(await badCsv.text()).toContain('Line 2: Date');

    // The file input: a real multipart/form-data upload, as a browser sends it.
    const upload = new FormData();
    const csrf = /name="csrf" value="([^"]+)"/.exec(csvForm)![1]!;
    upload.set('csrf', csrf);
    upload.set('format', 'kraken');
    upload.set('file', new Blob([KRAKEN_LEDGER_CSV], { type: 'text/csv' }), 'ledgers.csv');
    const cookie = [...(agent as unknown as { cookies: Map<string, string> }).cookies]
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    const uploaded = await fetch(`${server.url}${stepPath}/csv`, {
      method: 'POST',
      body: upload,
      headers: { cookie },
      redirect: 'manual',
    });
    expect(uploaded.status).toBe(303);

    const progress = await (await agent.get(`${stepPath}/progress`)).text();
    expect(progress).toContain('Hot wallet');
    expect(progress).toContain('CSV import (kraken)');
    // Continue opens the choose step, every linked account ticked; sharing them all finishes the step.
    expect(progress).toContain(`href="${stepPath}/choose">Continue</a>`);
    const choosePage = await (await agent.get(`${stepPath}/choose`)).text();
    const ticked = [...choosePage.matchAll(/name="connection" value="([^"]+)" checked/g)].map((m) => m[1]!);
    expect(ticked).toHaveLength(4);
    const continued = await agent.submit(choosePage, { share: 'selected', connection: ticked }, '/choose');
    expect(continued.status).toBe(303);
    expect(continued.headers.get('location')).toBe(interactionPath);
    const consent = await agent.get(interactionPath);
    expect(consent.status).toBe(200);
    const consentPage = await consent.text();
    expect(consentPage).toContain('See your crypto balances and positions');
    const approved = await agent.submit(consentPage, { decision: 'approve' }, '/oauth/interaction/');
    expect(approved.status).toBe(303);
    const redirect = new URL(approved.headers.get('location')!);
    expect(redirect.origin + redirect.pathname).toBe('https://buddy.example/cb');
    expect(redirect.searchParams.get('state')).toBe(state);
    expect(redirect.searchParams.get('iss')).toBe(server.url);
    const { api } = await exchangeCode(server, client, redirect, verifier);

    await server.kernel.jobs.drain();
    const providers = (await api.get('/platform/v1/provider')).body.data.providers as Json[];
    expect(providers.map((p) => [p.provider_id, p.status])).toEqual([
      ['anvil', 'connected'],
      ['bitcoin', 'connected'],
      ['csv', 'connected'],
      ['csv', 'connected'],
    ]);

    for (const version of ['v1', 'v2']) {
      const assets = await api.get(`/platform/${version}/assets`);
      expect(assets.status).toBe(200);
      const bySymbol = Object.fromEntries(
        (assets.body.data.assets as Json[]).map((a) => [
          a.asset.symbol + (a.asset.contract_address ? ':token' : ''),
          a,
        ]),
      );
      const eth = bySymbol.ETH;
      const onChain = await chain.public.getBalance({ address: wallet });
      expect(eth.sources.find((s: Json) => s.provider_id === 'anvil').quantity).toBe(formatWei(onChain));
      expect(eth.value.price).toBe('3000.5');
      expect(bySymbol['WDG:token'].quantity).toBe('1234.000000');
      expect(bySymbol.BTC.quantity).toBe('0.37980000'); // 0.025 on chain + 0.3499 + 0.0049 from the two CSVs
      expect(bySymbol.BTC.sources.map((s: Json) => s.provider_id).sort()).toEqual(['bitcoin', 'csv', 'csv']);
      expect(bySymbol.BTC.value).toEqual({
        amount: '24687.09',
        currency: 'USD',
        price: '65000.25',
        priced_at: expect.any(Number),
        price_source: 'coingecko',
      });
      const txs = await api.get(`/platform/${version}/transactions?limit=100`);
      expect(txs.status).toBe(200);
      const types = (txs.body.data.transactions as Json[]).map((t) => `${t.provider_id}:${t.type}`);
      expect(types).toEqual(
        expect.arrayContaining([
          'anvil:receive',
          'anvil:input_only',
          'anvil:send',
          'bitcoin:receive',
          'csv:input_output',
        ]),
      );
      expect(types).toHaveLength(3 + 1 + 5 + 4);
    }

    // Later, on /account: the same links, removable.
    const account = await (await agent.get('/account')).text();
    expect(account).toContain('Linked providers');
    expect(account).toContain('Hot wallet');
    const confirm = await agent.get(`/account/portfolio/connections/${providers[0].connection_id}/remove`);
    expect(account).toContain(`href="/account/portfolio/connections/${providers[0].connection_id}/remove"`);
    const removed = await agent.submit(await confirm.text(), {}, `/connections/${providers[0].connection_id}/remove`);
    expect(removed.status).toBe(303);
    expect((await api.get('/platform/v2/providers')).body.data.providers).toHaveLength(3);
    const fromAccount = await agent.submit(
      await (await agent.get('/account')).text(),
      { provider_id: 'anvil', address: wallet },
      '/account/portfolio/wallet',
    );
    expect(fromAccount.status).toBe(303);
    // Linked on /account, not through this app: not shared with it until the person ticks it there.
    expect((await api.get('/platform/v2/providers')).body.data.providers).toHaveLength(3);
  });

  it('sends an expired or unknown step to an error page, and a signed-out person to sign in', async () => {
    const agent = new PageAgent(server.url);
    expect((await agent.get('/connect/link/nope')).status).toBe(400);
    const { challenge } = pkcePair();
    const started = await agent.get(
      `/connect?${new URLSearchParams({ response_type: 'code', client_id: client.id, code_challenge: challenge, code_challenge_method: 'S256', state: 'x' }).toString()}`,
    );
    const returnTo = new URL(started.headers.get('location')!, server.url).searchParams.get('return_to')!;
    const id = returnTo.split('/').pop()!;
    const step = await agent.get(`/connect/link/${id}`);
    expect(step.status).toBe(303);
    expect(step.headers.get('location')).toMatch(/^\/signin\?return_to=/);
  });

  it('describes the Platform API in /openapi.json', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as Json;
    for (const path of [
      '/platform/v1/provider',
      '/platform/v2/providers',
      '/platform/v2/providers/catalog',
      '/platform/v2/transactions',
      '/platform/v2/assets',
      '/platform/v2/refresh/{refresh_id}',
      '/platform/v1/oauth/callback/{crypto_provider}',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    const text = JSON.stringify(doc);
    for (const title of [
      'AddProvidersRequest',
      'ConnectedProvider',
      'ProviderMetadata',
      'AssetPosition',
      'Transaction',
      'FeeObject',
      'TransactionCategorization',
      'PageData',
      'RefreshResponseData',
      'ErrorItem',
      'WalletConnection',
      'CsvConnection',
    ]) {
      expect(text).toContain(`"title":"${title}"`);
    }
  });
});

function formatWei(wei: bigint): string {
  const text = wei.toString().padStart(19, '0');
  return `${text.slice(0, -18)}.${text.slice(-18)}`;
}
