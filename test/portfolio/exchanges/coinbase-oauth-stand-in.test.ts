import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchangeAsset } from '../../../src/portfolio/assets/known-assets.ts';
import {
  coinbaseV2Balances,
  coinbaseV2Transaction,
} from '../../../src/portfolio/sources/exchange/oauth/coinbase-v2.ts';
import { coinbaseAccountId } from './support/coinbase-currencies.ts';
import { coinbaseFixture, T0 } from './support/coinbase-fixture.ts';
import { startCoinbaseOAuthStandIn, type CoinbaseOAuthStandIn } from './support/coinbase-oauth-stand-in.ts';

const REDIRECT = 'https://app.example/callback/coinbase';
const SCOPE = 'wallet:user:read,wallet:accounts:read,wallet:transactions:read,offline_access';
let coinbase: CoinbaseOAuthStandIn;

beforeEach(async () => {
  const fixture = {
    ...coinbaseFixture(),
    simpleTrades: [
      {
        id: 'b1',
        side: 'buy' as const,
        asset: 'BTC',
        amount: '0.002',
        fiat: { asset: 'USD', subtotal: '120', fee: '1.99' },
        timestamp: T0 + 9e6,
      },
    ],
  };
  coinbase = await startCoinbaseOAuthStandIn({ redirectUri: REDIRECT, autoApprove: true, fixture });
});
afterEach(() => coinbase.close());

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(params: Record<string, string>): string {
  const url = new URL('/oauth2/auth', coinbase.url);
  const defaults = {
    response_type: 'code',
    client_id: coinbase.clientId,
    redirect_uri: REDIRECT,
    state: 'st-1',
    scope: SCOPE,
  };
  for (const [key, value] of Object.entries({ ...defaults, ...params })) url.searchParams.set(key, value);
  return url.toString();
}

async function authorize(params: Record<string, string>): Promise<URL> {
  const response = await fetch(authorizeUrl(params), { redirect: 'manual' });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location')!);
}

async function post(
  path: string,
  form: Record<string, string>,
  basic?: boolean,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const body = new URLSearchParams(form);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic)
    headers['authorization'] =
      `Basic ${Buffer.from(`${coinbase.clientId}:${coinbase.clientSecret}`).toString('base64')}`;
  else {
    body.set('client_id', coinbase.clientId);
    body.set('client_secret', coinbase.clientSecret);
  }
  const response = await fetch(new URL(path, coinbase.url), { method: 'POST', headers, body });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

async function linked(scope = SCOPE): Promise<{ access: string; refresh: string }> {
  const { verifier, challenge } = pkce();
  const code = (await authorize({ code_challenge: challenge, code_challenge_method: 'S256', scope })).searchParams.get(
    'code',
  )!;
  const { body } = await post('/oauth2/token', {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT,
    code_verifier: verifier,
  });
  return { access: body['access_token'] as string, refresh: body['refresh_token'] as string };
}

async function api(
  path: string,
  token: string,
  version = true,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (version) headers['cb-version'] = '2024-05-01';
  const response = await fetch(new URL(path, coinbase.url), { headers });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

describe('Coinbase OAuth stand-in: authorization code with PKCE', () => {
  it('issues a code to the registered redirect URI and exchanges it once, checking the verifier', async () => {
    const { challenge } = pkce();
    const back = await authorize({ code_challenge: challenge, code_challenge_method: 'S256' });
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-1');
    const code = back.searchParams.get('code')!;
    const wrong = await post('/oauth2/token', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: pkce().verifier,
    });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });

    const again = pkce();
    const code2 = (
      await authorize({ code_challenge: again.challenge, code_challenge_method: 'S256' })
    ).searchParams.get('code')!;
    const ok = await post('/oauth2/token', {
      grant_type: 'authorization_code',
      code: code2,
      redirect_uri: REDIRECT,
      code_verifier: again.verifier,
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect(ok.body).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: SCOPE.replaceAll(',', ' ') });
    expect(coinbase.tokensIssued).toContain(ok.body['access_token']);
    expect(coinbase.tokensIssued).toContain(ok.body['refresh_token']);

    // A replayed code fails and takes the tokens it gave with it (RFC 6749 §4.1.2).
    const replay = await post('/oauth2/token', {
      grant_type: 'authorization_code',
      code: code2,
      redirect_uri: REDIRECT,
      code_verifier: again.verifier,
    });
    expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await api('/v2/user', ok.body['access_token'] as string)).body).toEqual({
      errors: [{ id: 'revoked_token', message: 'The access token was revoked' }],
    });
  });

  it('requires PKCE with S256, a known scope, and the registered redirect URI', async () => {
    const none = await authorize({});
    expect(Object.fromEntries(none.searchParams)).toMatchObject({ error: 'invalid_request', state: 'st-1' });
    const plain = await authorize({ code_challenge: 'abc', code_challenge_method: 'plain' });
    expect(plain.searchParams.get('error')).toBe('invalid_request');
    const scope = await authorize({
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
      scope: 'wallet:everything',
    });
    expect(scope.searchParams.get('error')).toBe('invalid_scope');
    const elsewhere = await fetch(
      authorizeUrl({ redirect_uri: 'https://evil.example/cb', code_challenge: 'x', code_challenge_method: 'S256' }),
      { redirect: 'manual' },
    );
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.headers.get('location')).toBeNull();
  });

  it('shows a consent page whose Authorize button returns a code, and Deny access_denied', async () => {
    await coinbase.close();
    coinbase = await startCoinbaseOAuthStandIn({ redirectUri: REDIRECT });
    const { verifier, challenge } = pkce();
    const page = await (await fetch(authorizeUrl({ code_challenge: challenge, code_challenge_method: 'S256' }))).text();
    expect(page).toContain('<button type="submit" name="decision" value="authorize">Authorize</button>');
    const consentId = /name="consent_id" value="([^"]+)"/.exec(page)![1]!;
    const submit = (decision: string, id = consentId) =>
      fetch(new URL('/oauth2/auth', coinbase.url), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ consent_id: id, decision }),
      });
    const approved = new URL((await submit('authorize')).headers.get('location')!);
    const exchanged = await post('/oauth2/token', {
      grant_type: 'authorization_code',
      code: approved.searchParams.get('code')!,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(exchanged.status).toBe(200);
    expect((await submit('authorize')).status).toBe(400); // one decision per request

    const other = await (
      await fetch(authorizeUrl({ code_challenge: challenge, code_challenge_method: 'S256' }))
    ).text();
    const denied = new URL(
      (await submit('deny', /name="consent_id" value="([^"]+)"/.exec(other)![1]!)).headers.get('location')!,
    );
    expect(denied.searchParams.get('error')).toBe('access_denied');
  });

  it('rejects a wrong client secret with invalid_client', async () => {
    const response = await fetch(new URL('/oauth2/token', coinbase.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: 'x',
        client_id: coinbase.clientId,
        client_secret: 'nope',
      }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });
});

describe('Coinbase OAuth stand-in: refresh, revocation, expiry', () => {
  it('rotates refresh tokens: the used one stops working, the new one works (client_secret_basic)', async () => {
    const first = await linked();
    const rotated = await post('/oauth2/token', { grant_type: 'refresh_token', refresh_token: first.refresh }, true);
    expect(rotated.status).toBe(200);
    expect(rotated.body['refresh_token']).not.toBe(first.refresh);
    expect(coinbase.revoked).toContain(first.refresh);
    expect(
      await post('/oauth2/token', { grant_type: 'refresh_token', refresh_token: first.refresh }, true),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    expect((await api('/v2/user', rotated.body['access_token'] as string)).status).toBe(200);
  });

  it('fails the next refresh on demand: a server error keeps the token, invalid_grant spends it', async () => {
    const { refresh } = await linked();
    coinbase.failNextRefresh('server_error');
    expect((await post('/oauth2/token', { grant_type: 'refresh_token', refresh_token: refresh })).status).toBe(500);
    coinbase.failNextRefresh();
    expect(await post('/oauth2/token', { grant_type: 'refresh_token', refresh_token: refresh })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    expect((await post('/oauth2/token', { grant_type: 'refresh_token', refresh_token: refresh })).status).toBe(400);
  });

  it('revokes (RFC 7009): an access token alone, or a refresh token with its access tokens', async () => {
    const one = await linked();
    expect((await post('/oauth2/revoke', { token: one.access })).status).toBe(200);
    const revoked = await api('/v2/accounts', one.access);
    expect(revoked.status).toBe(401);
    expect(revoked.body).toEqual({ errors: [{ id: 'revoked_token', message: 'The access token was revoked' }] });
    expect((await post('/oauth2/token', { grant_type: 'refresh_token', refresh_token: one.refresh })).status).toBe(200);

    const two = await linked();
    expect((await post('/oauth2/revoke', { token: two.refresh, token_type_hint: 'refresh_token' })).status).toBe(200);
    expect((await api('/v2/accounts', two.access)).body['errors']).toEqual([
      { id: 'revoked_token', message: 'The access token was revoked' },
    ]);
    expect((await post('/oauth2/revoke', { token: 'never-issued' })).status).toBe(200);
  });

  it('answers an expired access token with expired_token, an unknown one with invalid_token', async () => {
    const { access } = await linked();
    expect((await api('/v2/user', access)).status).toBe(200);
    coinbase.clockOffsetMs = 3600 * 1000;
    const expired = await api('/v2/user', access);
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ errors: [{ id: 'expired_token', message: 'The access token expired' }] });
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect((await api('/v2/user', 'made-up')).body).toEqual({
      errors: [{ id: 'invalid_token', message: 'The access token is invalid' }],
    });
  });

  it('refuses a read outside the granted scope', async () => {
    const { access } = await linked('wallet:accounts:read');
    expect((await api('/v2/accounts', access)).status).toBe(200);
    const denied = await api(`/v2/accounts/${coinbaseAccountId('BTC')}/transactions`, access);
    expect(denied).toMatchObject({
      status: 403,
      body: { errors: [{ id: 'invalid_scope', message: 'Invalid scope' }] },
    });
  });
});

describe('Coinbase OAuth stand-in: the v2 wallet API', () => {
  it('pages accounts by next_uri, each once, and warns without CB-VERSION', async () => {
    const { access } = await linked();
    const ids: string[] = [];
    let next: string | null = '/v2/accounts?limit=2';
    while (next) {
      const page = await api(next, access);
      const pagination = page.body['pagination'] as Record<string, unknown>;
      expect(pagination['limit']).toBe(2);
      ids.push(...(page.body['data'] as Array<{ id: string }>).map((a) => a.id));
      next = pagination['next_uri'] as string | null;
    }
    const codes = ['BTC', 'ETH', 'EUR', 'SOL', 'USD', 'USDC'];
    expect(ids).toEqual(codes.map(coinbaseAccountId));
    expect((await api('/v2/accounts', access, false)).body['warnings']).toEqual([
      expect.objectContaining({ id: 'missing_version' }),
    ]);
  });

  it('pages transactions newest first or oldest first, with starting_after and ending_before', async () => {
    const { access } = await linked();
    const path = `/v2/accounts/${coinbaseAccountId('ETH')}/transactions`;
    const all = (await api(`${path}?limit=100`, access)).body['data'] as Array<{ id: string }>;
    expect(all.map((t) => t.id)).toEqual(['w1', 'c1-in', 'r1', 't3-base', 't2-base', 'd3']);
    const second = await api(`${path}?limit=2&starting_after=c1-in`, access);
    expect((second.body['data'] as Array<{ id: string }>).map((t) => t.id)).toEqual(['r1', 't3-base']);
    expect(second.body['pagination']).toMatchObject({ next_starting_after: 't3-base', previous_ending_before: 'r1' });
    const back = await api(`${path}?limit=2&ending_before=r1`, access);
    expect((back.body['data'] as Array<{ id: string }>).map((t) => t.id)).toEqual(['w1', 'c1-in']);
    const ascending = await api(`${path}?limit=3&order=asc`, access);
    expect((ascending.body['data'] as Array<{ id: string }>).map((t) => t.id)).toEqual(['d3', 't2-base', 't3-base']);
  });

  it('serves what the mapping turns into balances and transactions (a simple buy expanded with its fee)', async () => {
    const { access } = await linked();
    const accounts = (await api('/v2/accounts?limit=100', access)).body['data'] as unknown[];
    expect(coinbaseV2Balances(accounts)).toEqual(
      expect.arrayContaining([{ asset: exchangeAsset('coinbase', 'BTC'), quantity: 60_000_000n }]),
    );
    const btc = accounts.find((a) => (a as { id: string }).id === coinbaseAccountId('BTC'));
    const path = `/v2/accounts/${coinbaseAccountId('BTC')}/transactions`;
    const bare = (await api(path, access)).body['data'] as Array<Record<string, unknown>>;
    expect(bare.find((t) => t['type'] === 'buy')!['buy']).not.toHaveProperty('subtotal');
    const expanded = (await api(`${path}?expand=all`, access)).body['data'] as Array<Record<string, unknown>>;
    const buy = coinbaseV2Transaction(
      btc,
      expanded.find((t) => t['type'] === 'buy'),
    );
    expect(buy).toMatchObject({
      externalId: 'b1-tx',
      category: 'trade',
      inputs: [{ asset: exchangeAsset('coinbase', 'BTC'), quantity: 200_000n }],
      outputs: [{ asset: exchangeAsset('coinbase', 'USD'), quantity: 12_000n }],
      fees: [{ asset: exchangeAsset('coinbase', 'USD'), quantity: 199n, kind: 'exchange' }],
    });
  });
});
