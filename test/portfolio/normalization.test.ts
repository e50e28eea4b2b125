import { describe, expect, it } from 'vitest';
import { deriveBip84Address, parseExtendedPublicKey, withVersion } from '../../src/portfolio/addresses/bitcoin-keys.ts';
import { checkEvmAddress } from '../../src/portfolio/addresses/evm-address.ts';
import { exchangeAsset } from '../../src/portfolio/assets/known-assets.ts';
import { deriveType, type NormalizedLeg } from '../../src/portfolio/ledger/normalized.ts';
import { formatUnits, parseUnits, scaleUnits } from '../../src/portfolio/money/amounts.ts';
import { valueOf } from '../../src/portfolio/money/value.ts';
import { parseCsvDate } from '../../src/portfolio/sources/csv/csv-dates.ts';
import { krakenSymbol } from '../../src/portfolio/sources/csv/kraken-ledger.ts';

describe('amounts in base units', () => {
  it('formats and parses without floats, 18 decimals and beyond 2^53', () => {
    expect(formatUnits(1_500_000_000_000_000_000n, 18)).toBe('1.500000000000000000');
    expect(formatUnits(123_456_789_012_345_678_901_234_567n, 18)).toBe('123456789.012345678901234567');
    expect(formatUnits(-5n, 2)).toBe('-0.05');
    expect(formatUnits(7n, 0)).toBe('7');
    expect(parseUnits('0.1', 18)).toBe(100_000_000_000_000_000n);
    expect(parseUnits('12.50', 1)).toBe(125n);
    expect(parseUnits('1.001', 2)).toBeUndefined();
    expect(parseUnits('1e5', 2)).toBeUndefined();
    expect(parseUnits('', 2)).toBeUndefined();
    expect(scaleUnits(5n, 6, 18)).toBe(5_000_000_000_000n);
  });

  it('values with decimal maths and never invents a price', () => {
    expect(valueOf(10_000_000n, 8, { price: '65000.25', at: 1, source: 's' })).toMatchObject({ amount: '6500.02' }); // 6500.025, half to even
    expect(valueOf(1n, 18, { price: '0.1', at: 1, source: 's' })!.amount).toBe('0.00');
    expect(valueOf(1n, 18, undefined)).toBeNull();
  });
});

describe('transaction types from legs', () => {
  const btc = exchangeAsset('csv', 'BTC');
  const leg = (counterparty?: string): NormalizedLeg => ({
    asset: btc,
    quantity: 1n,
    ...(counterparty ? { counterparty } : {}),
  });
  const fee = { asset: btc, quantity: 1n, kind: 'network' as const };
  const cases: Array<[string, Parameters<typeof deriveType>[0], string]> = [
    ['in and out', { inputs: [leg('a')], outputs: [leg('b')], fees: [], category: 'trade' }, 'input_output'],
    ['one transfer out', { inputs: [], outputs: [leg('b')], fees: [fee], category: 'transfer' }, 'send'],
    [
      'two transfers out',
      { inputs: [], outputs: [leg('b'), leg('c')], fees: [fee], category: 'transfer' },
      'output_only',
    ],
    ['withdrawal to nobody known', { inputs: [], outputs: [leg()], fees: [], category: 'withdrawal' }, 'output_only'],
    ['one transfer in', { inputs: [leg('a')], outputs: [], fees: [], category: 'transfer' }, 'receive'],
    ['a reward', { inputs: [leg('a')], outputs: [], fees: [], category: 'staking_reward' }, 'input_only'],
    ['fee only', { inputs: [], outputs: [], fees: [fee], category: 'fee' }, 'output_only'],
    ['nothing', { inputs: [], outputs: [], fees: [], category: 'other' }, 'uncategorized'],
  ];
  it.each(cases)('%s → %s', (_name, tx, type) => {
    expect(deriveType(tx)).toBe(type);
  });
});

describe('identities', () => {
  it('checks EIP-55 checksums', () => {
    expect(checkEvmAddress('0x52908400098527886e0f7030069857d2e4169ee7')).toEqual({
      ok: true,
      address: '0x52908400098527886E0F7030069857D2E4169EE7',
    });
    expect(checkEvmAddress('0x52908400098527886E0F7030069857D2E4169Ee7').ok).toBe(false);
    expect(checkEvmAddress('0x5290840009852788').ok).toBe(false);
  });

  it("derives BIP84 addresses from the specification's test zpub", () => {
    const zpub =
      'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
    const account = parseExtendedPublicKey(zpub)!;
    expect(deriveBip84Address(account, 0, 0)).toBe('bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu');
    expect(deriveBip84Address(account, 0, 1)).toBe('bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g');
    expect(deriveBip84Address(account, 1, 0)).toBe('bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el');
    expect(parseExtendedPublicKey(withVersion(zpub, 'xpub'))).toBeDefined();
    expect(parseExtendedPublicKey(zpub.replace('zpub6rFR', 'zpub6rFS'))).toBeUndefined();
  });

  it('keeps exchange symbols apart from lookalikes and maps Kraken codes', () => {
    expect(exchangeAsset('csv', 'usdc').groupKey).toBe('coin:usd-coin');
    expect(exchangeAsset('csv', 'USDCX').groupKey).toBe('exchange:csv/USDCX');
    expect(['XXBT', 'XBT.M', 'XETH', 'ETH2.S', 'ZUSD', 'XXDG', 'DOT'].map(krakenSymbol)).toEqual([
      'BTC',
      'BTC',
      'ETH',
      'ETH',
      'USD',
      'DOGE',
      'DOT',
    ]);
  });

  it('reads CSV dates as UTC unless an offset is given', () => {
    expect(parseCsvDate('2024-03-01T12:00:00Z')).toBe(Date.UTC(2024, 2, 1, 12));
    expect(parseCsvDate('2024-03-01T12:00:00+02:00')).toBe(Date.UTC(2024, 2, 1, 10));
    expect(parseCsvDate('2024-03-01 12:00:00.250')).toBe(Date.UTC(2024, 2, 1, 12, 0, 0, 250));
    expect(parseCsvDate('03/01/2024 09:30')).toBe(Date.UTC(2024, 2, 1, 9, 30));
    expect(parseCsvDate('2024-02-30')).toBeUndefined();
    expect(parseCsvDate('yesterday')).toBeUndefined();
  });
});
