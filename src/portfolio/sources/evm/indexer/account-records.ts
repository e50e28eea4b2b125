import { SourceError } from '../../../errors.ts';

/** The fields of an account-API record this source reads, converted and checked. */
export interface IndexedRecord {
  blockNumber: number;
  /** Unix ms. */
  timestamp: number;
  hash: string;
  /** Lowercase; '' for a contract creation's `to`. */
  from: string;
  to: string;
  value: bigint;
  failed: boolean;
}

/** A normal (top-level) transaction: txlist. */
export interface NormalRecord extends IndexedRecord {
  input: string;
  /** gasUsed × gasPrice (the effective price the indexer reports). */
  fee: bigint;
}

/** An ERC-20 transfer: tokentx. */
export interface TokenRecord extends IndexedRecord {
  contract: string;
  tokenSymbol: string;
  tokenName: string;
  tokenDecimals: number;
  /** An NFT transfer some indexers (Blockscout) list here too: not an ERC-20 amount, left out. */
  nft: boolean;
}

type Raw = Record<string, unknown>;

const HASH = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const UINT = /^\d{1,78}$/;

function malformed(what: string): never {
  throw new SourceError('unavailable', `the indexer answered a malformed record (${what})`);
}

function text(raw: Raw, field: string): string {
  const value = raw[field];
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

function uint(raw: Raw, field: string): bigint {
  const value = text(raw, field);
  if (!UINT.test(value)) malformed(`${field} ${JSON.stringify(value).slice(0, 40)}`);
  return BigInt(value);
}

function address(raw: Raw, field: string, optional = false): string {
  const value = text(raw, field);
  if (optional && value === '') return '';
  if (!ADDRESS.test(value)) malformed(`${field} ${JSON.stringify(value).slice(0, 50)}`);
  return value.toLowerCase();
}

function base(value: unknown): IndexedRecord {
  if (!value || typeof value !== 'object') malformed('not an object');
  const raw = value as Raw;
  const hash = text(raw, 'hash');
  if (!HASH.test(hash)) malformed(`hash ${JSON.stringify(hash).slice(0, 70)}`);
  return {
    blockNumber: Number(uint(raw, 'blockNumber')),
    timestamp: Number(uint(raw, 'timeStamp')) * 1000,
    hash: hash.toLowerCase(),
    from: address(raw, 'from'),
    to: address(raw, 'to', true),
    value: uint(raw, 'value'),
    // txreceipt_status is empty before Byzantium; isError is always there.
    failed: text(raw, 'isError') === '1' || text(raw, 'txreceipt_status') === '0',
  };
}

/** A normal transaction (txlist); a contract creation's `to` is its new contract. */
export function normalRecord(value: unknown): NormalRecord {
  const record = base(value);
  const raw = value as Raw;
  return {
    ...record,
    to: record.to || address(raw, 'contractAddress', true),
    input: text(raw, 'input'),
    fee: uint(raw, 'gasUsed') * uint(raw, 'gasPrice'),
  };
}

/** An internal transaction (txlistinternal); a creation's `to` is its new contract. */
export function internalRecord(value: unknown): IndexedRecord {
  const record = base(value);
  return record.to ? record : { ...record, to: address(value as Raw, 'contractAddress', true) };
}

export function tokenRecord(value: unknown): TokenRecord {
  const raw = value as Raw;
  const nft = !!raw && typeof raw === 'object' && text(raw, 'tokenID') !== '';
  const record = base(nft ? { ...raw, value: '0' } : value);
  const decimals = Number(text(raw, 'tokenDecimal'));
  return {
    ...record,
    contract: address(raw, 'contractAddress'),
    tokenSymbol: text(raw, 'tokenSymbol'),
    tokenName: text(raw, 'tokenName'),
    // A token that publishes no decimals counts whole units.
    tokenDecimals: Number.isInteger(decimals) && decimals >= 0 && decimals <= 77 ? decimals : 0,
    nft,
  };
}
