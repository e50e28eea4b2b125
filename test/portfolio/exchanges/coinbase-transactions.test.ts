import type { Exchange } from 'ccxt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchangeAsset } from '../../../src/portfolio/assets/known-assets.ts';
import { deriveType } from '../../../src/portfolio/ledger/normalized.ts';
import { coinbaseTransactions } from '../../../src/portfolio/sources/exchange/exchanges/coinbase-transactions.ts';
import { coinbaseAccountId } from './support/coinbase-currencies.ts';
import { coinbaseExchange } from './support/coinbase-ccxt.ts';
import { coinbaseFixture, DAY, HOUR, T0 } from './support/coinbase-fixture.ts';
import { createCdpKey, verifyCdpJwt } from './support/coinbase-jwt.ts';
import { startCoinbaseStandIn, type CoinbaseStandIn } from './support/coinbase-stand-in.ts';

let standIn: CoinbaseStandIn;
let exchange: Exchange;
const END = T0 + 30 * DAY;
const asset = (symbol: string) => exchangeAsset('coinbase', symbol);

beforeEach(async () => {
  standIn = await startCoinbaseStandIn({ fixture: coinbaseFixture() });
  exchange = coinbaseExchange(standIn.url, standIn.key);
});
afterEach(() => standIn.close());

describe('coinbase v2 transactions history', () => {
  it('maps every v2 transaction but the Advanced Trade fills, joining the two halves of a conversion', async () => {
    const found = await coinbaseTransactions.fetch(exchange, 0, END);
    const summary = found.map((tx) => [tx.externalId, tx.category, deriveType(tx), tx.status]);
    expect(summary).toEqual([
      ['transactions:d3', 'deposit', 'input_only', 'pending'],
      ['transactions:d2', 'deposit', 'input_only', 'confirmed'],
      ['transactions:d1', 'deposit', 'input_only', 'confirmed'],
      ['transactions:r1', 'staking_reward', 'input_only', 'confirmed'],
      ['transactions:r2', 'interest', 'input_only', 'confirmed'],
      ['transactions:trade:c1', 'trade', 'input_output', 'confirmed'],
      ['transactions:w1', 'withdrawal', 'send', 'confirmed'],
      ['transactions:w2', 'withdrawal', 'output_only', 'confirmed'],
    ]);
    const byId = new Map(found.map((tx) => [tx.externalId, tx]));
    expect(byId.get('transactions:d1')).toMatchObject({
      timestamp: T0 - DAY,
      txHash: 'btc-hash-1',
      chain: 'bitcoin',
      inputs: [{ asset: asset('BTC'), quantity: 25_000_000n, address: 'bc1qownaddress' }],
      fees: [],
    });
    expect(byId.get('transactions:w1')).toMatchObject({
      txHash: '0xeth-hash-w1',
      outputs: [
        {
          asset: asset('ETH'),
          quantity: 500_000_000_000_000_000n,
          counterparty: '0xabc0000000000000000000000000000000000def',
        },
      ],
      fees: [{ asset: asset('ETH'), quantity: 1_000_000_000_000_000n, kind: 'network' }],
    });
    expect(byId.get('transactions:trade:c1')).toMatchObject({
      timestamp: T0 + 8 * HOUR,
      inputs: [{ asset: asset('ETH'), quantity: 33_000_000_000_000_000n }],
      outputs: [{ asset: asset('USDC'), quantity: 100_000_000n }],
    });
    expect(byId.get('transactions:r2')!.inputs).toEqual([{ asset: asset('USDC'), quantity: 350_000n }]);
    // A fiat withdrawal leaves the account with its fee included.
    expect(byId.get('transactions:w2')!.outputs).toEqual([{ asset: asset('EUR'), quantity: 20_015n }]);
  });

  it('keeps to [since, until] and skips accounts untouched since the cursor', async () => {
    const found = await coinbaseTransactions.fetch(exchange, T0 + 6 * HOUR, T0 + 8 * HOUR);
    expect(found.map((tx) => tx.externalId)).toEqual(['transactions:r1', 'transactions:r2', 'transactions:trade:c1']);
    const read = standIn.requests.filter((r) => r.path.endsWith('/transactions')).map((r) => r.path);
    expect(read).not.toContain(`/v2/accounts/${coinbaseAccountId('BTC')}/transactions`);
    expect(read).toContain(`/v2/accounts/${coinbaseAccountId('ETH')}/transactions`);
  });

  it('walks v2 pages (100 a page) with starting_after until it passes since', async () => {
    standIn.fixture.rewards = Array.from({ length: 230 }, (_, i) => ({
      id: `sol-${String(i).padStart(3, '0')}`,
      asset: 'SOL',
      amount: '0.001',
      kind: 'staking' as const,
      timestamp: T0 + i * 60_000,
    }));
    const all = await coinbaseTransactions.fetch(exchange, 0, END);
    expect(all.filter((tx) => tx.externalId.startsWith('transactions:sol-'))).toHaveLength(230);
    const solPath = `/v2/accounts/${coinbaseAccountId('SOL')}/transactions`;
    const pages = (): URLSearchParams[] => standIn.requests.filter((r) => r.path === solPath).map((r) => r.query);
    // The SOL account's newest record is the t5 fill's base half, so pages end at sol-131 and sol-031.
    expect(pages().map((q) => q.get('starting_after'))).toEqual([null, 'sol-131', 'sol-031']);
    expect(pages()[0]!.get('limit')).toBe('100');

    standIn.requests.length = 0;
    const recent = await coinbaseTransactions.fetch(exchange, T0 + 200 * 60_000, END);
    expect(recent.filter((tx) => tx.externalId.startsWith('transactions:sol-'))).toHaveLength(30);
    expect(pages()).toHaveLength(1);
  });
});

describe('the CDP JWT ccxt signs', () => {
  it('names the key, the method, the host and the path; another method or path is refused', () => {
    const key = createCdpKey('organizations/org-1/apiKeys/key-1');
    const signer = coinbaseExchange('http://127.0.0.1:9', { api_key: key.name, secret_key: key.secret });
    const url = 'http://127.0.0.1:9/api/v3/brokerage/accounts?limit=250';
    const now = Math.floor(Date.now() / 1000);
    const token = (signer as unknown as { createAuthToken(s: number, m: string, u: string): string }).createAuthToken(
      now,
      'GET',
      url,
    );
    const [header, claims] = token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toMatchObject({ alg: 'ES256', kid: key.name, nonce: expect.any(String) });
    expect(claims).toMatchObject({
      sub: key.name,
      nbf: now,
      exp: now + 120,
      uri: 'GET http://127.0.0.1:9/api/v3/brokerage/accounts',
    });
    const keys = new Map([[key.name, key]]);
    const request = { authorization: `Bearer ${token}`, method: 'GET', host: '127.0.0.1:9', nowSeconds: now };
    expect(verifyCdpJwt({ ...request, path: '/api/v3/brokerage/accounts' }, keys)).toEqual({ key });
    expect(verifyCdpJwt({ ...request, path: '/api/v3/brokerage/key_permissions' }, keys)).toEqual({
      rejected: 'wrong_uri',
    });
    expect(verifyCdpJwt({ ...request, method: 'POST', path: '/api/v3/brokerage/accounts' }, keys)).toEqual({
      rejected: 'wrong_uri',
    });
    expect(verifyCdpJwt({ ...request, host: '127.0.0.1:10', path: '/api/v3/brokerage/accounts' }, keys)).toEqual({
      rejected: 'wrong_uri',
    });
    expect(verifyCdpJwt({ ...request, nowSeconds: now + 120, path: '/api/v3/brokerage/accounts' }, keys)).toEqual({
      rejected: 'expired',
    });
    const tampered = token.replace(
      /\.[^.]+\./,
      `.${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 3600 })).toString('base64url')}.`,
    );
    expect(
      verifyCdpJwt({ ...request, authorization: `Bearer ${tampered}`, path: '/api/v3/brokerage/accounts' }, keys),
    ).toEqual({
      rejected: 'bad_signature',
    });
  });
});
