import { describe, expect, it } from 'vitest';
import { SourceError } from '../../src/portfolio/errors.ts';
import { internalRecord, normalRecord, tokenRecord } from '../../src/portfolio/sources/evm/indexer/account-records.ts';

const HASH = `0x${'Ab'.repeat(32)}`;
const OWNER = '0x2716187B7346BB90D251A2BB6862D8EC70AB75A3';
const PEER = '0x00000000000000000000000000000000000000f1';
const TOKEN = '0xdac17f958d2ee523a2206206994597c13d831ec7';

const normal = {
  blockNumber: '19000000',
  timeStamp: '1700000000',
  hash: HASH,
  from: OWNER,
  to: PEER,
  value: '1000000000000000000',
  isError: '0',
  txreceipt_status: '1',
  input: '0x095ea7b3',
  contractAddress: '',
  gasUsed: '21000',
  gasPrice: '30000000000',
};

describe('account API records', () => {
  it('reads a normal transaction: lowercase addresses and hash, ms time, fee, status', () => {
    expect(normalRecord(normal)).toEqual({
      blockNumber: 19_000_000,
      timestamp: 1_700_000_000_000,
      hash: HASH.toLowerCase(),
      from: OWNER.toLowerCase(),
      to: PEER,
      value: 10n ** 18n,
      failed: false,
      input: '0x095ea7b3',
      fee: 21_000n * 30_000_000_000n,
    });
    expect(normalRecord({ ...normal, isError: '1' }).failed).toBe(true);
    // Before Byzantium the receipt status is empty.
    expect(normalRecord({ ...normal, txreceipt_status: '' }).failed).toBe(false);
    expect(normalRecord({ ...normal, txreceipt_status: '0' }).failed).toBe(true);
  });

  it('gives a contract creation its new contract as `to`', () => {
    expect(normalRecord({ ...normal, to: '', contractAddress: TOKEN.toUpperCase().replace('0X', '0x') }).to).toBe(
      TOKEN,
    );
    expect(internalRecord({ ...normal, to: '', contractAddress: TOKEN }).to).toBe(TOKEN);
    expect(internalRecord({ ...normal, to: '', contractAddress: '' }).to).toBe('');
  });

  it('reads a token transfer, an NFT listed beside them as no amount', () => {
    const transfer = { ...normal, contractAddress: TOKEN, tokenSymbol: 'USDT', tokenName: 'Tether', tokenDecimal: '6' };
    expect(tokenRecord(transfer)).toMatchObject({
      contract: TOKEN,
      tokenSymbol: 'USDT',
      tokenName: 'Tether',
      tokenDecimals: 6,
      value: 10n ** 18n,
      nft: false,
    });
    expect(tokenRecord({ ...transfer, tokenDecimal: '' }).tokenDecimals).toBe(0);
    expect(tokenRecord({ ...transfer, tokenDecimal: '78' }).tokenDecimals).toBe(0);
    expect(tokenRecord({ ...transfer, tokenID: '7', value: 'not a number' })).toMatchObject({ value: 0n, nft: true });
  });

  it.each([
    ['a hash of the wrong length', { hash: HASH.slice(0, 65) }],
    ['a hash with 0X', { hash: `0X${HASH.slice(2)}` }],
    ['a hash that is not hex', { hash: `0x${'g'.repeat(64)}` }],
    ['an address that is not hex', { from: `0x${'z'.repeat(40)}` }],
    ['a missing sender', { from: '' }],
    ['a negative value', { value: '-1' }],
    ['a value with a decimal point', { value: '1.5' }],
    ['a value of 79 digits', { value: '1'.repeat(79) }],
    ['an empty block number', { blockNumber: '' }],
    ['a hex block number', { blockNumber: '0x10' }],
    ['a gas price in words', { gasPrice: 'thirty' }],
  ])('refuses %s', (_, change) => {
    expect(() => normalRecord({ ...normal, ...change })).toThrow(SourceError);
    expect(() => normalRecord({ ...normal, ...change })).toThrow(/malformed record/);
  });

  it('refuses what is not a record at all', () => {
    for (const parse of [normalRecord, internalRecord, tokenRecord]) {
      expect(() => parse(null)).toThrow(/malformed record \(not an object\)/);
      expect(() => parse('0x')).toThrow(/malformed record/);
    }
  });

  it('reads a 78-digit value exactly', () => {
    const big = '9'.repeat(78);
    expect(normalRecord({ ...normal, value: big }).value).toBe(BigInt(big));
  });
});
