import { describe, expect, it } from 'vitest';
import { addressShape } from '../../src/portfolio/connect/browser/address-shape.ts';
import { countText, matchesSearch } from '../../src/portfolio/connect/browser/search-terms.ts';
import { BitcoinTestWallet } from './support/bitcoin-wallet.ts';

describe('telling a wallet address’s network by its shape (the wallet form’s script and the server share it)', () => {
  const btc = new BitcoinTestWallet();

  it.each([
    ['0x52908400098527886E0F7030069857D2E4169EE7', 'evm'],
    ['alice.eth', 'ens'],
    ['sub.alice.eth', 'ens'],
    [btc.address(btc.key(0, 0)), 'bitcoin'],
    ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', 'bitcoin'],
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'bitcoin'],
    ['3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', 'bitcoin'],
    [btc.account.neutered().toBase58(), 'bitcoin'],
    ['DRpbCBMxVnDK7maPM5tGv6MvB3v1sRMC86PZ8okm21hy', 'solana'],
    ['  0x52908400098527886E0F7030069857D2E4169EE7  ', 'evm'],
  ])('%s is %s', (text, shape) => {
    expect(addressShape(text)).toBe(shape);
  });

  it.each([
    ['an EVM private key', `0x${'4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318'}`],
    ['an EVM private key without 0x', '4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318'],
    ['an extended private key', btc.account.toBase58()],
    ['a recovery phrase', 'legal winner thank year wave sausage worth useful legal winner thank yellow'],
    ['a Solana key pair as bytes', `[${Array.from({ length: 64 }, (_, i) => i).join(',')}]`],
  ])('%s is a secret', (_what, text) => {
    expect(addressShape(text)).toBe('secret');
  });

  it.each(['', '0x12ab', 'hello', 'not an address at all'])('“%s” has no shape', (text) => {
    expect(addressShape(text)).toBeUndefined();
  });
});

describe('the picker’s search (the server’s ?q= and the script agree)', () => {
  it('matches every word at the start of a word of the terms, ignoring case and accents', () => {
    expect(matchesSearch('Coinbase coinbase exchange', 'coin')).toBe(true);
    expect(matchesSearch('Coinbase coinbase exchange', 'base')).toBe(false);
    expect(matchesSearch('Base base wallet evm ETH Ether', 'eth base')).toBe(true);
    expect(matchesSearch('Kraken kraken exchange', 'KRÄKEN')).toBe(true);
    expect(matchesSearch('anything', '   ')).toBe(true);
  });

  it('counts what it found in words', () => {
    expect(countText('', 15)).toBe('15 to choose from.');
    expect(countText(' kra ', 2)).toBe('2 matches for “kra”.');
    expect(countText('sol', 1)).toBe('1 match for “sol”.');
    expect(countText('zz', 0)).toBe('Nothing matches “zz”.');
  });
});
