import { describe, expect, it } from 'vitest';
import { comparableName, resolveCoinId } from '../../src/portfolio/assets/resolve-coin-id.ts';
import type { Coin } from '../../src/portfolio/prices/coin-list-source.ts';
import { currencyHints } from '../../src/portfolio/sources/exchange/currency-hints.ts';

const coin = (id: string, symbol: string, name: string, platforms: Record<string, string> = {}): Coin => ({
  id,
  symbol,
  name,
  platforms,
});

const MOONS = [coin('moon-rabbit', 'moon', 'Moon Rabbit'), coin('moonbeam-moon', 'moon', 'Moon')];
const GEMS = [
  coin('gem-token', 'gem', 'Gem', { ethereum: '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }),
  coin('gemstone', 'gem', 'Gem', { solana: 'GemStoneMint1111111111111111111111111111111' }),
];

describe('resolveCoinId: an exchange symbol to one CoinGecko coin, or none', () => {
  it('takes the only coin listed under the symbol, in any case', () => {
    expect(resolveCoinId('UNI', [coin('uniswap', 'uni', 'Uniswap')])).toBe('uniswap');
    expect(resolveCoinId('UNI', [])).toBeUndefined();
  });

  it('tells coins sharing a symbol apart by the name the exchange gives (accents, case and spacing aside)', () => {
    expect(resolveCoinId('MOON', MOONS, { name: 'MOON RABBIT', contracts: [] })).toBe('moon-rabbit');
    expect(resolveCoinId('MOON', MOONS, { name: 'moon', contracts: [] })).toBeUndefined(); // the ticker again
    expect(comparableName('Shíba-İnu')).toBe(comparableName('shiba inu'));
  });

  it('tells them apart by a contract the exchange names, EVM hex in any case, base58 exactly', () => {
    expect(resolveCoinId('GEM', GEMS, { contracts: ['0xAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'] })).toBe('gem-token');
    expect(resolveCoinId('GEM', GEMS, { contracts: ['GemStoneMint1111111111111111111111111111111'] })).toBe('gemstone');
    expect(resolveCoinId('GEM', GEMS, { contracts: ['gemstonemint1111111111111111111111111111111'] })).toBeUndefined();
  });

  it('answers nothing, never the first look-alike, when the evidence does not single one out', () => {
    expect(resolveCoinId('MOON', MOONS)).toBeUndefined();
    expect(resolveCoinId('MOON', MOONS, { contracts: [] })).toBeUndefined();
    expect(resolveCoinId('MOON', MOONS, { name: 'Moon Coin', contracts: [] })).toBeUndefined();
    // Both GEMs are named "Gem": the name cannot decide, and no contract was given.
    expect(resolveCoinId('GEM', GEMS, { name: 'Gem', contracts: [] })).toBeUndefined();
  });

  it('never maps fiat money to a token sharing its ticker, unless the exchange says it is crypto', () => {
    const lira = [coin('try-hards', 'try', 'TryHards')];
    expect(resolveCoinId('TRY', lira)).toBeUndefined();
    expect(resolveCoinId('TRY', lira, { contracts: [], fiat: true })).toBeUndefined();
    expect(resolveCoinId('BOB', [coin('bob-token', 'bob', 'BOB')], { contracts: [], fiat: false })).toBe('bob-token');
  });
});

describe('currencyHints: what ccxt learned about the currencies', () => {
  it('keeps names, fiat flags and the contracts in each network’s raw record', () => {
    const hints = currencyHints({
      gem: {
        id: 'GEM',
        code: 'GEM',
        name: ' Gem Token ',
        type: 'crypto',
        networks: {
          ERC20: { info: { chainId: 'eth', contractAddress: '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' } },
          TRC20: { info: { chain: 'GEM-TRC20', ctAddr: 'TGemGemGemGemGemGemGemGemGemGemGem' } },
          NATIVE: { info: { contractAddress: '0' } },
        },
        info: { currency: 'GEM', contractAddress: null },
      },
      EUR: { id: 'EUR', code: 'EUR', type: 'fiat', networks: {}, info: {} },
    } as never);
    expect(hints.get('GEM')).toEqual({
      name: 'Gem Token',
      contracts: ['0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'TGemGemGemGemGemGemGemGemGemGemGem'],
      fiat: false,
    });
    expect(hints.get('EUR')).toEqual({ contracts: [], fiat: true });
  });
});
