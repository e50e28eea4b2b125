import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpired } from '../../src/kernel/jobs/janitor.ts';
import { PageAgent } from '../helpers/browser.ts';
import { createTestClient, postForm, type TestClient } from '../helpers/clients.ts';
import { freshDatabaseUrl, testDialects } from '../helpers/database.ts';
import { authorizeThroughPages, pkcePair, signInThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { BitcoinTestWallet, utxo } from './support/bitcoin-wallet.ts';
import { UNIVERSAL_CSV } from './support/csv-fixtures.ts';
import { EsploraServer } from './support/esplora-server.ts';
import { exchangeCode, personWithToken, PlatformClient, type Json } from './support/platform-client.ts';

const CLOSED_PORT_URL = 'http://127.0.0.1:9';
const SCOPES = ['read:providers', 'write:providers', 'read:assets', 'read:transactions'];
const DAY = 86_400_000;

/**
 * Issue #14: the person links two wallets and a CSV in the Connect widget, chooses one to share,
 * and the app's token (v1 and v2) sees exactly that one; a later edit in /account changes what
 * it sees; the app's reads are logged on /account with their counts and purged after 90 days.
 */
describe.each(testDialects())('which linked accounts an app sees (%s)', (dialect) => {
  const btc = new BitcoinTestWallet();
  const esplora = new EsploraServer();
  const savings = btc.address(btc.key(0, 3, btc.otherAccount));
  const spending = btc.address(btc.key(0, 4, btc.otherAccount));
  const email = `sharer-${dialect}@example.com`;
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let budget: TestClient;
  let agent: PageAgent;
  let api: PlatformClient;
  let refreshToken: string;
  /** Connection ids by label. */
  const id: Record<'savings' | 'spending' | 'csv', string> = { savings: '', spending: '', csv: '' };

  beforeAll(async () => {
    // Two separate payments from an outsider (not one transaction to both: that would be an internal transfer).
    const c0 = btc.coinbase(btc.outsider, 100_000_000n);
    const toSavings = btc.spend(
      [c0.utxo],
      [
        [savings, 50_000_000n],
        [btc.address(btc.outsider), 49_990_000n],
      ],
    );
    const toSpending = btc.spend(
      [utxo(toSavings, 1, btc.outsider)],
      [
        [spending, 25_000_000n],
        [btc.address(btc.outsider), 24_980_000n],
      ],
    );
    esplora.add(c0.tx, 20);
    esplora.add(toSavings, 21);
    esplora.add(toSpending, 22);
    await esplora.start();
    ({ server, smtp, close } = await startServerWithMail({
      dialect,
      env: { ESPLORA_URL: esplora.url, COINGECKO_API_URL: CLOSED_PORT_URL },
    }));
    budget = await createTestClient(server, {
      name: 'Budget Buddy',
      type: 'public',
      redirectUris: ['https://buddy.example/cb'],
      allowedScopes: SCOPES,
      defaultScopes: SCOPES,
    });
  });
  afterAll(async () => {
    await close();
    await esplora.close();
  });

  /** Starts the widget for `client` and answers the link step's path and the interaction's. */
  async function openWidget(client: TestClient, signIn: boolean) {
    const pkce = pkcePair();
    const started = await agent.get(
      `/connect?${new URLSearchParams({ response_type: 'code', client_id: client.id, code_challenge: pkce.challenge, code_challenge_method: 'S256', state: randomBytes(4).toString('hex') }).toString()}`,
    );
    if (!signIn) {
      // Signed in already: straight to the link step.
      const stepPath = started.headers.get('location')!;
      expect(stepPath).toMatch(/^\/connect\/link\//);
      return { stepPath, interactionPath: `/oauth/interaction/${stepPath.split('/').pop()}`, verifier: pkce.verifier };
    }
    const interactionPath = (await signInThroughPages(agent, smtp, email, started)).headers.get('location')!;
    const stepPath = (await agent.get(interactionPath)).headers.get('location')!;
    expect(stepPath).toMatch(/^\/connect\/link\//);
    return { stepPath, interactionPath, verifier: pkce.verifier };
  }

  async function consentAndToken(client: TestClient, interactionPath: string, verifier: string) {
    const consent = await agent.get(interactionPath);
    // A second time, the standing grant covers the request: no consent page, straight back to the app.
    const approved =
      consent.status === 303
        ? consent
        : await agent.submit(await consent.text(), { decision: 'approve' }, '/oauth/interaction/');
    const redirect = new URL(approved.headers.get('location')!);
    const code = redirect.searchParams.get('code')!;
    const tokens = await postForm(server, '/oauth/token', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      code_verifier: verifier,
      client_id: client.id,
    });
    expect(tokens.status).toBe(200);
    return tokens.json as { access_token: string; refresh_token: string };
  }

  /** What the token sees through both versions: providers, asset sources and transactions, by connection id. */
  async function seen(client: PlatformClient) {
    const views = [];
    for (const version of ['v1', 'v2'] as const) {
      const providers = await client.get(`/platform/${version}/${version === 'v1' ? 'provider' : 'providers'}`);
      expect(providers.status).toBe(200);
      const assets = await client.get(`/platform/${version}/assets?limit=100`);
      expect(assets.status).toBe(200);
      const txs = await client.get(`/platform/${version}/transactions?limit=100`);
      expect(txs.status).toBe(200);
      views.push({
        providers: (providers.body.data.providers as Json[]).map((p) => p.connection_id).sort(),
        assets: [
          ...new Set((assets.body.data.assets as Json[]).flatMap((a) => a.sources.map((s: Json) => s.connection_id))),
        ].sort(),
        transactions: [...new Set((txs.body.data.transactions as Json[]).map((t) => t.connection_id))].sort(),
      });
    }
    expect(views[0]).toEqual(views[1]);
    return views[0]!;
  }

  it('links two wallets and a CSV, shares one, and the token sees exactly that one', async () => {
    agent = new PageAgent(server.url);
    const { stepPath, interactionPath, verifier } = await openWidget(budget, true);
    const walletForm = await (await agent.get(`${stepPath}/provider/bitcoin`)).text();
    const csvForm = await (await agent.get(`${stepPath}/provider/csv`)).text();
    let page = '';
    for (const [form, fields, action] of [
      [walletForm, { provider_id: 'bitcoin', address: savings, display_label: 'Savings' }, '/wallet'],
      [walletForm, { provider_id: 'bitcoin', address: spending, display_label: 'Spending' }, '/wallet'],
      [csvForm, { content: UNIVERSAL_CSV, format: 'universal' }, '/csv'],
    ] as const) {
      const added = await agent.submit(form, fields, action);
      expect(added.status, JSON.stringify(fields)).toBe(303);
      page = await (await agent.get(added.headers.get('location')!)).text();
    }
    await server.kernel.jobs.drain();

    // The progress page's Continue is a GET to the choose step: every account ticked, with its provider and balance.
    expect(page).toContain(`href="${stepPath}/choose">Continue</a>`);
    const choose = await agent.get(`${stepPath}/choose`);
    expect(choose.status).toBe(200);
    const chooseHtml = await choose.text();
    expect(chooseHtml).toContain('Choose what Budget Buddy can see');
    const boxes = [
      ...chooseHtml.matchAll(/<input type="checkbox" id="[^"]+" name="connection" value="([^"]+)"( checked)?/g),
    ];
    expect(boxes.map((b) => b[2])).toEqual([' checked', ' checked', ' checked']);
    [id.savings, id.spending, id.csv] = boxes.map((b) => b[1]!) as [string, string, string];
    expect(chooseHtml).toMatch(
      /<strong>Savings<\/strong> <span class="hint">Bitcoin · up to date<\/span><br><span class="holdings">0\.5 BTC/,
    );
    expect(chooseHtml).toMatch(
      /<strong>Spending<\/strong> <span class="hint">Bitcoin · up to date<\/span><br><span class="holdings">0\.25 BTC/,
    );
    expect(chooseHtml).toContain('CSV import');

    // "Share" with nothing ticked asks again, the boxes marked and the first focused; nothing is finished.
    const empty = await agent.submit(chooseHtml, { share: 'selected' }, '/choose');
    expect(empty.status).toBe(400);
    const emptyHtml = await empty.text();
    expect(emptyHtml).toContain('Tick at least one account to share, or choose “Share nothing”.');
    expect(emptyHtml).toMatch(
      /name="connection" value="[^"]+" aria-invalid="true" aria-describedby="share-error" autofocus>/,
    );
    expect(emptyHtml).not.toMatch(/ checked/);
    // An id that is not the person's is not shared (and alone, it is nothing ticked).
    expect((await agent.submit(chooseHtml, { share: 'selected', connection: 'not-mine' }, '/choose')).status).toBe(400);
    expect((await agent.post(`${stepPath}/choose`, { share: 'selected', connection: id.savings })).status).toBe(403);

    const shared = await agent.submit(chooseHtml, { share: 'selected', connection: [id.savings] }, '/choose');
    expect(shared.status).toBe(303);
    expect(shared.headers.get('location')).toBe(interactionPath);
    const tokens = await consentAndToken(budget, interactionPath, verifier);
    api = new PlatformClient(server, tokens.access_token);
    refreshToken = tokens.refresh_token;

    expect(await seen(api)).toEqual({
      providers: [id.savings],
      assets: [id.savings],
      transactions: [id.savings],
    });
    const assets = await api.get('/platform/v2/assets');
    expect(assets.body.data.assets.map((a: Json) => [a.asset.symbol, a.quantity])).toEqual([['BTC', '0.50000000']]);
    // Filters and refreshes stay inside the share.
    const csvOnly = await api.get('/platform/v2/transactions?crypto_sources=csv');
    expect(csvOnly.body.data.transactions).toEqual([]);
    const refresh = await api.post('/platform/v1/assets/refresh');
    expect(refresh.status).toBe(202);
    expect(refresh.body.data.connections.map((c: Json) => c.connection_id)).toEqual([id.savings]);
    await server.kernel.jobs.drain();

    // It cannot unlink what it cannot see: 404, and the account stays linked.
    for (const body of [{ connection_ids: [id.spending] }, { provider_ids: ['csv'] }]) {
      const refused = await api.delete('/platform/v2/providers', body);
      expect(refused.status, JSON.stringify(body)).toBe(404);
      expect(refused.body.errors[0]!.cause).toBe('not_found');
    }
    expect((await api.delete('/platform/v1/provider', { connection_ids: [id.csv] })).status).toBe(404);
    const account = await (await agent.get('/account')).text();
    expect(account).toContain('Spending');
    expect(account).toContain('CSV import');
  });

  it('lets an app connected before choices see everything, and shares what an app links itself', async () => {
    // Another app, let in through /oauth/authorize (no widget, no choice): it sees every account.
    const legacy = await createTestClient(server, {
      name: 'Old Ledger',
      type: 'public',
      redirectUris: ['https://ledger.example/cb'],
      allowedScopes: SCOPES,
    });
    const { redirect, verifier } = await authorizeThroughPages(server, agent, smtp, legacy, {
      params: { scope: SCOPES.join(' ') },
    });
    const { api: old } = await exchangeCode(server, legacy, redirect, verifier);
    expect((await seen(old)).providers).toEqual([id.savings, id.spending, id.csv].sort());

    // Budget Buddy links a CSV through the API: it sees it; the person's other accounts stay hidden from it.
    const linked = await api.post('/platform/v2/providers', {
      provider_id: 'csv',
      display_label: 'Linked by the app',
      connection: { type: 'csv', content: UNIVERSAL_CSV.replace('0.5,BTC', '0.6,BTC') },
    });
    expect(linked.status).toBe(201);
    await server.kernel.jobs.drain();
    expect((await seen(api)).providers).toEqual([id.savings, linked.body.data.connection_id].sort());
    expect(
      (await api.delete('/platform/v2/providers', { connection_ids: [linked.body.data.connection_id] })).status,
    ).toBe(200);
    expect((await seen(api)).providers).toEqual([id.savings]);
  });

  it('shows the share and the access log on /account, where an edit changes what the token sees', async () => {
    let account = await (await agent.get('/account')).text();
    const grantId = /id="app-([^"]+)" class="app">[\s\S]*?<span>Budget Buddy<\/span>/.exec(account)![1]!;
    const block = appBlockOf(account, grantId);
    expect(block).toMatch(new RegExp(`value="${id.savings}" checked`));
    expect(block).toMatch(new RegExp(`value="${id.spending}">`));
    expect(block).toMatch(new RegExp(`value="${id.csv}">`));
    // What it read, with how many things each answer held (the seen() reads of the first test among them).
    expect(block).toMatch(
      /<strong>Read balances<\/strong> <span class="hint">1 asset · <code>GET \/platform\/v2\/assets<\/code>/,
    );
    expect(block).toMatch(
      /<strong>Read transactions<\/strong> <span class="hint">1 transaction · <code>GET \/platform\/v1\/transactions<\/code>/,
    );
    expect(block).toMatch(
      /<strong>Listed your linked accounts<\/strong> <span class="hint">1 account · <code>GET \/platform\/v1\/provider<\/code>/,
    );
    expect(block).toMatch(
      /<strong>Unlinked accounts<\/strong> <span class="hint">1 account · <code>DELETE \/platform\/v2\/providers<\/code>/,
    );
    expect(block).toMatch(/<strong>Linked accounts for you<\/strong> <span class="hint">1 account/);
    // Refused requests (the 404 unlinks) are not reads.
    expect(block).not.toMatch(/0 accounts · <code>DELETE/);
    // The older app has no choice recorded: all ticked, and a word that it sees later links too.
    expect(account).toContain('Old Ledger was connected before you could choose');

    // Share Spending and the CSV instead of Savings.
    const saved = await agent.submit(
      block,
      { share: 'selected', connection: [id.spending, id.csv] },
      `/account/portfolio/apps/${grantId}/share`,
    );
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`/account?shared=${grantId}#app-${grantId}`);
    account = await (await agent.get(saved.headers.get('location')!)).text();
    expect(appBlockOf(account, grantId)).toContain('Saved. Budget Buddy now sees Spending, CSV import');
    expect(await seen(api)).toEqual({
      providers: [id.spending, id.csv].sort(),
      assets: [id.spending, id.csv].sort(),
      transactions: [id.spending, id.csv].sort(),
    });
    expect((await api.delete('/platform/v2/providers', { connection_ids: [id.savings] })).status).toBe(404);

    // Nothing ticked is asked again on the app's own page (400, input kept: nothing ticked); "Share nothing" shares nothing.
    const none = await agent.submit(appBlockOf(account, grantId), { share: 'selected' }, '/share');
    expect(none.status).toBe(400);
    expect(await none.text()).toContain('Tick at least one account to share');
    expect(await seen(api)).toMatchObject({ providers: [id.spending, id.csv].sort() });
    const nothing = await agent.submit(appBlockOf(account, grantId), { share: 'none' }, '/share');
    expect(nothing.status).toBe(303);
    expect(await seen(api)).toEqual({ providers: [], assets: [], transactions: [] });
    expect((await api.post('/platform/v2/assets/refresh')).status).toBe(404);
    expect((await api.delete('/platform/v2/providers', { provider_ids: ['bitcoin'] })).status).toBe(404);

    // Forged or stale forms change nothing.
    expect((await agent.post(`/account/portfolio/apps/${grantId}/share`, { share: 'none' })).status).toBe(403);
    const csrf = /name="csrf" value="([^"]+)"/.exec(account)![1]!;
    expect((await agent.post(`/account/portfolio/apps/not-a-grant/share`, { csrf, share: 'none' })).status).toBe(404);
    expect((await agent.post(`/account/portfolio/apps/${grantId}/share`, { csrf, share: 'maybe' })).status).toBe(400);
  });

  it('asks the widget again with the earlier choice ticked, plus what was linked through it', async () => {
    const { stepPath, interactionPath, verifier } = await openWidget(budget, false);
    const page = await (await agent.get(`${stepPath}/provider/csv`)).text();
    const added = await agent.submit(
      page,
      { content: UNIVERSAL_CSV.replace('0.5,BTC', '0.7,BTC'), format: 'universal' },
      '/csv',
    );
    expect(added.status).toBe(303);
    await server.kernel.jobs.drain();
    const chooseHtml = await (await agent.get(`${stepPath}/choose`)).text();
    const ticked = [...chooseHtml.matchAll(/name="connection" value="([^"]+)" checked/g)].map((m) => m[1]);
    // Budget Buddy shares nothing since the last test; only the CSV linked in its widget just now is ticked.
    expect(ticked).toHaveLength(1);
    expect([id.savings, id.spending, id.csv]).not.toContain(ticked[0]);
    await agent.submit(chooseHtml, { share: 'selected', connection: ticked as string[] }, '/choose');
    const tokens = await consentAndToken(budget, interactionPath, verifier);
    expect((await seen(new PlatformClient(server, tokens.access_token))).providers).toEqual(ticked);
  });

  it('refreshes a linked account from /account within the cooldown, says why a read failed, and asks before removing', async () => {
    let account = await (await agent.get('/account')).text();
    expect(account).toMatch(/<strong>Savings<\/strong>[\s\S]*?0\.5 BTC[\s\S]*?Last read <time datetime=/);
    // Savings was refreshed by the app's token moments ago: the same cooldown applies here, said in words.
    const wait = await agent.submit(account, {}, `/account/portfolio/connections/${id.savings}/refresh`);
    expect(wait.headers.get('location')).toMatch(
      new RegExp(`^/account\\?portfolio=refresh_wait&in=\\d+&connection=${id.savings}#providers-heading$`),
    );
    expect(await (await agent.get(wait.headers.get('location')!)).text()).toMatch(
      /Savings was read moments ago\. You can refresh it again in (\d+ seconds|about \d+ minutes|a moment)\./,
    );

    // Spending is refreshed while the Bitcoin node is down: the reason shows in plain words.
    esplora.down = true;
    const refreshed = await agent.submit(account, {}, `/account/portfolio/connections/${id.spending}/refresh`);
    expect(refreshed.headers.get('location')).toBe(
      `/account?portfolio=refreshed&connection=${id.spending}#providers-heading`,
    );
    expect(await (await agent.get(refreshed.headers.get('location')!)).text()).toContain(
      'Spending is being read again now.',
    );
    await server.kernel.jobs.drain();
    esplora.down = false;
    account = await (await agent.get('/account')).text();
    expect(account).toMatch(
      /<strong>Spending<\/strong> <span class="hint">Bitcoin · could not be read<\/span>[\s\S]*?<p class="error">Consentry could not reach Bitcoin: it may be down or slow right now\. Try again later\./,
    );
    expect((await agent.post(`/account/portfolio/connections/${id.spending}/refresh`, {})).status).toBe(403);
    const csrf = /name="csrf" value="([^"]+)"/.exec(account)![1]!;
    expect((await agent.post('/account/portfolio/connections/not-mine/refresh', { csrf })).status).toBe(404);

    // Remove asks first, on its own page; "Keep it" goes back.
    expect(account).toContain(`href="/account/portfolio/connections/${id.spending}/remove"`);
    const confirm = await agent.get(`/account/portfolio/connections/${id.spending}/remove`);
    expect(confirm.status).toBe(200);
    const confirmHtml = await confirm.text();
    expect(confirmHtml).toContain('Remove Spending?');
    expect(confirmHtml).toContain('href="/account#providers-heading">Keep it</a>');
    expect((await agent.get('/account/portfolio/connections/not-mine/remove')).status).toBe(404);
    const removed = await agent.submit(confirmHtml, {}, `/connections/${id.spending}/remove`);
    expect(removed.headers.get('location')).toBe('/account?portfolio=removed#providers-heading');
    account = await (await agent.get(removed.headers.get('location')!)).text();
    expect(account).toContain('The account was removed, with its balances and history; no app sees it any more.');
    expect(account).not.toContain('<strong>Spending</strong>');
  });

  it('keeps the access log 90 days: the janitor deletes older entries', async () => {
    // Every read so far is written (the page writes what waits) before two months pass.
    expect((await agent.get('/account')).status).toBe(200);
    server.clock.advance(60 * DAY);
    // Two months on, a fresh access token (the refresh token lasts a year) reads once more.
    const refreshed = await postForm(server, '/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: budget.id,
    });
    expect(refreshed.status).toBe(200);
    const later = new PlatformClient(server, refreshed.json.access_token as string);
    expect((await later.get('/platform/v2/providers')).status).toBe(200);
    server.clock.advance(31 * DAY);

    // 91 days after the first reads: the janitor deletes them, the one 31 days old stays.
    const purged = await purgeExpired(server.kernel.database.db, server.clock.now(), 100, server.purgers);
    expect(purged.portfolio_access_log).toBeGreaterThan(10);
    const signIn = await agent.get('/account');
    expect(signIn.status).toBe(303); // the session ended long ago
    await signInThroughPages(agent, smtp, email, signIn);
    const account = await (await agent.get('/account')).text();
    const grantId = /id="app-([^"]+)" class="app">[\s\S]*?<span>Budget Buddy<\/span>/.exec(account)![1]!;
    const block = appBlockOf(account, grantId);
    expect(block).toContain('(1 request in the last 90 days)');
    // Budget Buddy now sees the one CSV linked through its widget.
    expect(block).toMatch(
      /<strong>Listed your linked accounts<\/strong> <span class="hint">1 account · <code>GET \/platform\/v2\/providers<\/code>/,
    );
  });
});

/** One app's block of /account (its form and log), from its heading to the next app's. */
function appBlockOf(account: string, grantId: string): string {
  const start = account.indexOf(`<div class="app-share">\n<h3 id="app-${grantId}"`);
  expect(start).toBeGreaterThan(-1);
  const end = account.indexOf('<div class="app-share">', start + 1);
  return account.slice(start, end === -1 ? undefined : end);
}

describe.each(testDialects())('the access log at shutdown (%s)', (dialect) => {
  it('writes the entries it still holds when the server closes normally', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'consentry-log-'));
    const database =
      dialect === 'sqlite'
        ? { url: `sqlite:${join(folder, 'db.sqlite')}`, drop: async () => {} }
        : await freshDatabaseUrl('postgres');
    const { server, smtp, close } = await startServerWithMail({
      databaseUrl: database.url,
      env: { ESPLORA_URL: CLOSED_PORT_URL, COINGECKO_API_URL: CLOSED_PORT_URL },
    });
    let reopened: TestServer | undefined;
    let closed = false;
    try {
      const client = await createTestClient(server, {
        name: 'Quick Reader',
        type: 'public',
        redirectUris: ['https://quick.example/cb'],
        allowedScopes: SCOPES,
      });
      const { api } = await personWithToken(server, smtp, client, `quick-${dialect}@example.com`);
      for (let i = 0; i < 3; i++) expect((await api.get('/platform/v2/providers')).status).toBe(200);
      closed = true;
      await close(); // flushes before the database closes
      reopened = await startTestServer({ databaseUrl: database.url });
      const rows = await reopened.kernel.database.db
        .selectFrom('portfolio_access_log')
        .select(['endpoint', 'items'])
        .where('client_id', '=', client.id)
        .execute();
      expect(rows).toEqual([
        { endpoint: 'GET /platform/v2/providers', items: 0 },
        { endpoint: 'GET /platform/v2/providers', items: 0 },
        { endpoint: 'GET /platform/v2/providers', items: 0 },
      ]);
    } finally {
      if (!closed) await close();
      await reopened?.close();
      await database.drop();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
