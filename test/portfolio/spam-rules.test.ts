import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AssetRef } from '../../src/portfolio/assets/asset-ref.ts';
import { hasBaitText } from '../../src/portfolio/assets/bait-text.ts';
import { SpamList } from '../../src/portfolio/assets/spam-list.ts';
import { spamReason, type SpamEvidence } from '../../src/portfolio/assets/spam-verdict.ts';
import type { NormalizedTransaction } from '../../src/portfolio/ledger/normalized.ts';
import { movesOnlySpam } from '../../src/portfolio/sync/spam-transactions.ts';
import { tokenActivity } from '../../src/portfolio/sync/token-activity.ts';

describe('bait in a token name or symbol', () => {
  it.each([
    'Visit rewards-eth.com to claim',
    'CLAIM AT USDC-DROP.IO',
    't.me/freedrop_bot',
    'https://uniswap-v4.gift',
    'ipfs://bafy-claim',
    'www.claimeth',
    'claim-eth[.]org',
    'usdt(.)gift',
    'airdrop [dot] xyz',
    'visit usdt(dot)net',
    '$5000 USDC Reward',
    'Reward 5,000 USDT',
    'Gift 100 tokens',
    'ＷＷＷ．ｃｌａｉｍ．ｃｏｍ', // full-width letters and dot fold to ASCII first
    'evil\u200b.com', // a zero-width space does not hide a domain
  ])('flags %j', (text) => {
    expect(hasBaitText(text)).toBe(true);
  });

  it.each([
    'USD Coin',
    'Wrapped Ether',
    'Uniswap V2',
    'Curve.fi DAI/USDC/USDT',
    'Bridged USDC (USDC.e)',
    'ETH2.0',
    'v1.0 Token',
    'Staked ETH rewards',
    'Aave Reward',
    'Rocket Pool ETH',
    'UNI-V2',
    'Balancer 80 BAL 20 WETH',
  ])('leaves %j alone', (text) => {
    expect(hasBaitText(text)).toBe(false);
  });

  it('looks at the symbol as well as the name', () => {
    expect(hasBaitText('Normal Name', 'claim.app')).toBe(true);
    expect(hasBaitText(null, undefined)).toBe(false);
  });
});

describe('spam verdicts', () => {
  const plain: SpamEvidence = {
    listed: false,
    baitText: false,
    hasPriceKey: true,
    priced: undefined,
    unsolicited: false,
    solicited: false,
  };

  it('puts the list first, even for a priced token the person uses', () => {
    expect(spamReason({ ...plain, listed: true, priced: true, solicited: true })).toBe('listed');
  });

  it('flags a site in the name unless the price source prices the token', () => {
    expect(spamReason({ ...plain, baitText: true })).toBe('link_in_name');
    expect(spamReason({ ...plain, baitText: true, priced: false, solicited: true })).toBe('link_in_name');
    // "yearn.finance" is a market the price source lists: it names itself after its site.
    expect(hasBaitText('yearn.finance')).toBe(true);
    expect(spamReason({ ...plain, baitText: true, priced: true, unsolicited: true })).toBeUndefined();
  });

  it('flags an unsolicited airdrop only while it is untouched and has no price', () => {
    expect(spamReason({ ...plain, unsolicited: true, hasPriceKey: false })).toBe('unpriced_airdrop');
    expect(spamReason({ ...plain, unsolicited: true, priced: false })).toBe('unpriced_airdrop');
    // The person sent it (or sent the transaction that brought it): their own.
    expect(spamReason({ ...plain, unsolicited: true, solicited: true, priced: false })).toBeUndefined();
    // It gained a price.
    expect(spamReason({ ...plain, unsolicited: true, priced: true })).toBeUndefined();
    // The price source could not be asked: no verdict on an outage.
    expect(spamReason({ ...plain, unsolicited: true, priced: undefined })).toBeUndefined();
    // Never received unasked (a token the person minted or bought).
    expect(spamReason({ ...plain, solicited: true, hasPriceKey: false })).toBeUndefined();
  });
});

describe('the known-spam list', () => {
  const dir = mkdtempSync(join(tmpdir(), 'consentry-spam-list-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ships seeded, EVM contracts matched in any case', () => {
    const list = SpamList.load();
    expect(list.size).toBeGreaterThanOrEqual(4);
    expect(list.has('ethereum', '0x4AF9ab04615cB91e2EE8cbEDb43fb52eD205041B')).toBe(true);
    expect(list.has('polygon', '0x0b91b07beb67333225a5ba0259d55aee10e3a578')).toBe(true);
    // Keyed by chain: the same address elsewhere is another contract.
    expect(list.has('base', '0x0b91b07beb67333225a5ba0259d55aee10e3a578')).toBe(false);
  });

  it("adds an operator's file; Solana mints match exactly", () => {
    const file = join(dir, 'extra.json');
    const mint = 'Fake1111111111111111111111111111111111111Mnt';
    writeFileSync(file, JSON.stringify({ tokens: [{ chain: 'solana', contract: mint, note: 'seen in a drop' }] }));
    const list = SpamList.load(file);
    expect(list.has('solana', mint)).toBe(true);
    expect(list.has('solana', mint.toLowerCase())).toBe(false);
    expect(list.has('ethereum', '0x4af9ab04615cb91e2ee8cbedb43fb52ed205041b')).toBe(true);
  });

  it('refuses to start with a file it cannot use, naming it', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"tokens": [{"chain": "ethereum"}]}');
    expect(() => SpamList.load(bad)).toThrow(/PORTFOLIO_SPAM_TOKENS_FILE .*bad\.json: \/tokens\/0/);
    writeFileSync(bad, 'not json');
    expect(() => SpamList.load(bad)).toThrow(`PORTFOLIO_SPAM_TOKENS_FILE: ${bad} is not valid JSON`);
    expect(() => SpamList.load(join(dir, 'missing.json'))).toThrow(/PORTFOLIO_SPAM_TOKENS_FILE: cannot read/);
  });
});

describe('how a wallet came by its tokens', () => {
  const token = (symbol: string): AssetRef => ({
    namespace: 'evm:1',
    reference: `0x${symbol.toLowerCase().padStart(40, '0')}`,
    symbol,
    decimals: 18,
    contractAddress: `0x${symbol.toLowerCase().padStart(40, '0')}`,
    groupKey: symbol,
  });
  const eth: AssetRef = { namespace: 'evm:1', reference: 'native', symbol: 'ETH', decimals: 18, groupKey: 'eth' };
  const tx = (parts: Partial<NormalizedTransaction>): NormalizedTransaction => ({
    externalId: 'x',
    timestamp: 0,
    status: 'confirmed',
    category: 'transfer',
    categorizationSource: 'heuristic',
    inputs: [],
    outputs: [],
    fees: [],
    ...parts,
  });

  it('tells an airdrop from a swap the wallet sent, and leaves native coins out', () => {
    const [drop, bought, sold] = [token('drop'), token('bought'), token('sold')];
    const activity = tokenActivity([
      tx({
        inputs: [
          { asset: drop, quantity: 1n },
          { asset: eth, quantity: 1n },
        ],
      }),
      tx({
        inputs: [{ asset: bought, quantity: 1n }],
        outputs: [{ asset: sold, quantity: 1n }],
        fees: [{ asset: eth, quantity: 1n, kind: 'network' }],
      }),
    ]);
    expect(activity).toEqual([
      { assetId: `evm:1/${drop.reference}`, unsolicited: true, solicited: false },
      { assetId: `evm:1/${sold.reference}`, unsolicited: false, solicited: true },
      { assetId: `evm:1/${bought.reference}`, unsolicited: false, solicited: true },
    ]);
  });

  it('calls a transaction spam only when everything it moved is spam', () => {
    const spam = new Set(['a', 'b']);
    expect(movesOnlySpam(['a'], spam)).toBe(true);
    expect(movesOnlySpam(['a', 'b'], spam)).toBe(true);
    expect(movesOnlySpam(['a', 'c'], spam)).toBe(false);
    expect(movesOnlySpam([], spam)).toBe(false);
  });
});
